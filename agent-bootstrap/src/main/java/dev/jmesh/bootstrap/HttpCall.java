package dev.jmesh.bootstrap;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * One application request to a mesh service, begun by {@link Mesh#beginHttp}. The mesh runs
 * the whole call, each attempt through the adapter's transport: admission, endpoint per
 * attempt, per-try and whole-call deadlines, retries and their budget, backoff, and what
 * feeds balancing, outlier detection and metrics. So every client library behaves, and is
 * measured, the same.
 *
 * <pre>
 * HttpCall call = Mesh.beginHttp(scheme, host, method, rawPath, rawQuery);
 * if (call == null) return proceedAsTheApplicationAsked();
 * return call.execute(new MyLibraryTransport(...));
 * </pre>
 *
 * Exactly one of {@link #execute} and {@link #executeAsync} is called, once.
 */
public interface HttpCall {

    /**
     * Runs the call on this thread, one attempt after another.
     *
     * @return the response the application gets
     * @throws IOException the failure the application gets: the last attempt's, the library's
     *     timeout when the call's deadline passed, or the mesh's own, naming the service (breaker
     *     open, no healthy endpoint, no endpoint reachable)
     */
    <R> R execute(HttpTransport<R> transport) throws IOException;

    /** Runs the call without blocking; cancelling the future cancels the attempt in flight. */
    <R> CompletableFuture<R> executeAsync(AsyncHttpTransport<R> transport);
}
