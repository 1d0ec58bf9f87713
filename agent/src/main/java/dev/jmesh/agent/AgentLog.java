package dev.jmesh.agent;

/**
 * The agent's few words, one line each on standard error.
 *
 * <p>Deliberately not {@code System.Logger}: its default back end is {@code java.util.logging},
 * and initialising that from {@code premain} fixes the JVM's {@code LogManager} before an
 * application server (JBoss, WildFly) can install its own.
 */
public final class AgentLog {

    private AgentLog() {}

    public static void line(String message) {
        System.err.println("jmesh: " + message);
    }
}
