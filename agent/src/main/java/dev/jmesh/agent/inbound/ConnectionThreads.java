package dev.jmesh.agent.inbound;

import java.lang.reflect.Method;

/**
 * The threads an inbound connection's two copies run on: virtual threads where the JDK has them
 * (21 and later), so that ten thousand open connections cost a few carrier threads, not twenty
 * thousand platform ones; daemon platform threads on JDK 17. The agent's bytecode is Java 17,
 * so the virtual-thread builder is looked up once, reflectively.
 */
final class ConnectionThreads {

    /** {@code Thread.ofVirtual()} and its builder's {@code name(String)} and {@code unstarted(Runnable)}; null on JDK 17. */
    private static final Method[] VIRTUAL = lookUpVirtual();

    private ConnectionThreads() {}

    /** Whether connections run on virtual threads in this JVM. */
    static boolean virtual() {
        return VIRTUAL != null;
    }

    /** Starts {@code task} on a thread of its own named {@code name}. */
    static Thread start(String name, Runnable task) {
        Thread thread = null;
        if (VIRTUAL != null) {
            try {
                Object builder = VIRTUAL[1].invoke(VIRTUAL[0].invoke(null), name);
                thread = (Thread) VIRTUAL[2].invoke(builder, task);
            } catch (ReflectiveOperationException | RuntimeException e) {
                thread = null; // as on JDK 17
            }
        }
        if (thread == null) {
            thread = new Thread(task, name);
            thread.setDaemon(true);
        }
        thread.start();
        return thread;
    }

    private static Method[] lookUpVirtual() {
        try {
            Method ofVirtual = Thread.class.getMethod("ofVirtual");
            Class<?> builder = Class.forName("java.lang.Thread$Builder");
            return new Method[] {ofVirtual, builder.getMethod("name", String.class), builder.getMethod("unstarted", Runnable.class)};
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
