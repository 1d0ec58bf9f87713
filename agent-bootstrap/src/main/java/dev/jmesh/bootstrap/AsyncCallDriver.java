package dev.jmesh.bootstrap;

import java.util.concurrent.CompletableFuture;

/**
 * Runs a whole call, retries included, for a client whose API is asynchronous at its core
 * (the JDK HttpClient). Parameters are the library's own objects, typed {@code Object}
 * because the boot loader cannot see the library.
 */
public interface AsyncCallDriver {

    /**
     * The call's future, or {@code null} to let the library send the request itself.
     *
     * @param executor the executor argument the application's call passed on (null for send)
     */
    CompletableFuture<?> send(Object client, Object request, Object responseHandler, Object pushPromiseHandler,
                              Object executor);
}
