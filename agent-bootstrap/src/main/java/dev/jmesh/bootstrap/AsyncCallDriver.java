package dev.jmesh.bootstrap;

import java.lang.invoke.MethodHandles;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a whole call, retries included, for a client whose API is asynchronous at its core
 * (the JDK HttpClient). Parameters are the library's own objects, typed {@code Object}
 * because the boot loader cannot see the library.
 */
public interface AsyncCallDriver {

    /**
     * Whether the driver still needs a lookup with private access to the client class, to
     * start each attempt through the very method the application called.
     */
    boolean needsLookup();

    /**
     * The call's future, or {@code null} to let the library send the request itself.
     *
     * @param executor the executor argument the application's call passed on (null for send)
     * @param lookup   a lookup in the client class while {@link #needsLookup()}, else {@code null}
     */
    CompletableFuture<?> send(Object client, Object request, Object responseHandler, Object pushPromiseHandler,
                              Object executor, MethodHandles.Lookup lookup);
}
