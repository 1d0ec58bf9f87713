package dev.jmesh.instrumentation.socket;

import java.util.function.Consumer;

/**
 * Private parts of the JDK a driver finds at its first use: once, or never, saying in one line
 * what the application goes without on this JDK.
 */
final class JdkInternals<T> {

    interface Finder<T> {
        T find() throws ReflectiveOperationException;
    }

    private final Finder<T> finder;
    private final String without;
    private final Consumer<String> log;
    private volatile T found;
    private volatile boolean missing;

    /** @param without what goes without them, for the line: "sockets to tcp services connect without fail-over" */
    JdkInternals(Finder<T> finder, String without, Consumer<String> log) {
        this.finder = finder;
        this.without = without;
        this.log = log;
    }

    /** The internals, or {@code null} on a JDK that does not have them. */
    T get() {
        T internals = found;
        if (internals != null || missing) {
            return internals;
        }
        synchronized (this) {
            if (found == null && !missing) {
                try {
                    found = finder.find();
                } catch (ReflectiveOperationException | RuntimeException e) {
                    missing = true;
                    log.accept(without + " on this JDK (" + Runtime.version() + "): " + e);
                }
            }
            return found;
        }
    }
}
