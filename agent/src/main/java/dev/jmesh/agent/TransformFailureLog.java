package dev.jmesh.agent;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.utility.JavaModule;

/**
 * Says when a class could not be instrumented. The class then runs unchanged, so the calls it
 * makes pass through unrouted, which is why this is worth a line.
 */
final class TransformFailureLog extends AgentBuilder.Listener.Adapter {

    @Override
    public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
        AgentLog.line("could not instrument " + typeName + ", its calls pass through unrouted: " + error);
    }
}
