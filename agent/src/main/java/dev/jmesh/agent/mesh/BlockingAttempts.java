package dev.jmesh.agent.mesh;

import dev.jmesh.bootstrap.FailureKind;
import dev.jmesh.bootstrap.HttpTransport;
import dev.jmesh.bootstrap.ServedRequest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The attempts of one call on the caller's thread, as {@link MeshHttpCall} decides them. */
final class BlockingAttempts {

    private BlockingAttempts() {}

    static <R> R run(MeshHttpCall call, HttpTransport<R> transport) throws IOException {
        try {
            for (;;) {
                long timeout = call.attemptTimeoutMillis(transport.boundEndsAtResponseHead());
                if (timeout == MeshHttpCall.EXPIRED) {
                    throw transport.timeout(call.timeoutMessage());
                }
                InetSocketAddress endpoint = call.nextEndpoint();
                long retryAfter;
                try {
                    R response = transport.send(endpoint, timeout == MeshHttpCall.NO_TIMEOUT ? 0 : timeout);
                    retryAfter = call.onResponse(transport.status(response));
                    if (retryAfter == MeshHttpCall.DONE) {
                        call.answered(transport.responseHeader(response, ServedRequest.PEER_HEADER),
                                transport.responseHeader(response, "content-length"));
                        return response;
                    }
                    transport.discard(response);
                } catch (IOException e) {
                    retryAfter = call.onFailure(transport.classify(e));
                    if (retryAfter == MeshHttpCall.DONE) {
                        throw call.finalFailure(e);
                    }
                } catch (RuntimeException | Error e) {
                    call.onFailure(FailureKind.OTHER);
                    throw e;
                }
                pause(retryAfter);
            }
        } finally {
            call.end();
        }
    }

    private static void pause(long nanos) throws InterruptedIOException {
        if (nanos <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }
}
