package dev.jmesh.instrumentation.socket;

import java.util.function.Consumer;

/**
 * Private parts of the JDK a driver finds at its first use: once, or never, saying in one line
 * what the application goes without on this JDK. Subclassed rather than given a lambda, whose
 * linkage at the agent's start would load the internals' classes there.
 */
abstract class JdkInternals<T> {

    private final String without;
    private final Consumer<String> log;
    private volatile T found;
    private volatile boolean missing;

    /** @param without what goes without them, for the line: "sockets to tcp services connect without fail-over" */
    JdkInternals(String without, Consumer<String> log) {
        this.without = without;
        this.log = log;
    }

    abstract T find() throws ReflectiveOperationException;

    /** The internals, or {@code null} on a JDK that does not have them. */
    T get() {
        T internals = found;
        if (internals != null || missing) {
            return internals;
        }
        synchronized (this) {
            if (found == null && !missing) {
                try {
                    found = find();
                } catch (ReflectiveOperationException | RuntimeException e) {
                    missing = true;
                    log.accept(without + " on this JDK (" + Runtime.version() + "): " + e);
                }
            }
            return found;
        }
    }
}
