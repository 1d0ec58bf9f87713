package dev.jmesh.agent;

import dev.jmesh.agent.tooling.BootstrapClasses;
import dev.jmesh.agent.tooling.ClassDefiner;
import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points: {@code -javaagent} ({@link #premain}) and attach
 * ({@link #agentmain}).
 *
 * <p>This class touches nothing of {@code dev.jmesh.bootstrap} itself: those classes only
 * exist once {@link BootstrapClasses} has defined them in the boot loader.
 * Whatever goes wrong, the application starts: the agent fails open.
 */
public final class JmeshAgent {

    private JmeshAgent() {}

    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, false);
    }

    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, true);
    }

    private static synchronized void start(String arguments, Instrumentation instrumentation, boolean attached) {
        try {
            if (System.getProperty(AgentStarter.STARTED_PROPERTY) != null) {
                AgentLog.line("already running in this JVM; ignoring the second start");
                return;
            }
            AgentOptions options = AgentOptions.parse(arguments, System.getProperties(), System.getenv());
            ClassDefiner definer = ClassDefiner.create(instrumentation);
            BootstrapClasses.define(definer);
            AgentStarter.start(options, instrumentation, definer, attached);
        } catch (Throwable t) {
            AgentLog.line("not started, calls pass through unrouted: " + t);
        }
    }
}
