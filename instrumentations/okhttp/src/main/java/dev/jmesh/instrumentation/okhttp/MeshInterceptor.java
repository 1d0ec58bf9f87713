package dev.jmesh.instrumentation.okhttp;

import dev.jmesh.bootstrap.HttpCall;
import dev.jmesh.bootstrap.Mesh;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Sends each call to a mesh service to the endpoints the mesh picks for it, one attempt after
 * another as the mesh's retry policy decides; timeouts become OkHttp's own per-attempt
 * connect, read and write timeouts, capped by what is left of the call's deadline.
 *
 * <p>It sits after the application's interceptors, so they see the logical URL, and before
 * OkHttp's retry, bridge and connect interceptors, so connection pooling and routes are
 * OkHttp's own, keyed per endpoint. The {@code Host} header keeps the logical name and the
 * response carries the request the application made.
 *
 * <p>Defined by the agent inside the class loader that loaded OkHttp, so it compiles against
 * OkHttp 4 and links against whichever 4.x or 5.x the application brings.
 */
public final class MeshInterceptor implements Interceptor {

    private static final MeshInterceptor INSTANCE = new MeshInterceptor();
    private static final String RETRY_AND_FOLLOW_UP =
            "okhttp3.internal.http.RetryAndFollowUpInterceptor";

    private MeshInterceptor() {}

    /**
     * Inserts the interceptor in front of OkHttp's own ones in a call's (mutable, per-call)
     * interceptor list, when the chain being built is the head of a new call's chain
     * ({@code index} 0; later links share its list). An unfamiliar list is left alone. Called
     * by woven code: it must never throw.
     */
    @SuppressWarnings("unchecked")
    public static void joinChain(List<?> interceptors, int index) {
        if (index != 0) {
            return;
        }
        try {
            insert((List<Object>) interceptors);
        } catch (RuntimeException e) {
            // an unmodifiable or unfamiliar list: the call goes out unrouted
        }
    }

    private static void insert(List<Object> interceptors) {
        for (int i = 0; i < interceptors.size(); i++) {
            Object interceptor = interceptors.get(i);
            if (interceptor == INSTANCE) {
                return;
            }
            if (interceptor.getClass().getName().equals(RETRY_AND_FOLLOW_UP)) {
                interceptors.add(i, INSTANCE);
                return;
            }
        }
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        HttpUrl url = request.url();
        HttpCall call = Mesh.beginHttp(url.scheme(), url.host(), request.method(),
                url.encodedPath(), url.encodedQuery());
        if (call == null) {
            return chain.proceed(request);
        }
        try {
            String hashHeader = call.hashHeader();
            if (hashHeader != null) {
                call.hashKey(request.header(hashHeader));
            }
            return attempts(chain, request, call);
        } finally {
            call.end();
        }
    }

    /** One attempt after another on this thread, as the mesh decides, until one is final. */
    private static Response attempts(Chain chain, Request request, HttpCall call) throws IOException {
        String host = logicalHost(request);
        for (;;) {
            long timeout = call.attemptTimeoutMillis();
            if (timeout == HttpCall.EXPIRED) {
                throw new SocketTimeoutException(call.timeoutMessage());
            }
            InetSocketAddress endpoint = call.nextEndpoint();
            Request routed = request.newBuilder()
                    .url(request.url().newBuilder().host(endpoint.getHostString()).port(endpoint.getPort()).build())
                    .header("Host", host)
                    .build();
            Chain attemptChain = timeout == HttpCall.NO_TIMEOUT ? chain
                    : chain.withConnectTimeout((int) timeout, TimeUnit.MILLISECONDS)
                            .withReadTimeout((int) timeout, TimeUnit.MILLISECONDS)
                            .withWriteTimeout((int) timeout, TimeUnit.MILLISECONDS);
            long retryAfter;
            try {
                Response response = attemptChain.proceed(routed);
                retryAfter = call.onResponse(response.code());
                if (retryAfter == HttpCall.DONE) {
                    return response.newBuilder().request(request).build();
                }
                response.close();
            } catch (IOException e) {
                retryAfter = call.onFailure(chain.call().isCanceled() ? HttpCall.OTHER : kind(e));
                if (retryAfter == HttpCall.DONE) {
                    throw call.finalFailure(e);
                }
            }
            sleep(retryAfter, chain);
        }
    }

    /** How OkHttp reports each kind of failure. */
    private static int kind(IOException e) {
        if (e instanceof ConnectException
                || (e instanceof SocketTimeoutException && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).startsWith("connect"))) {
            return HttpCall.CONNECT_FAILURE;
        }
        if (e.getClass().getName().equals("okhttp3.internal.http2.StreamResetException")
                && String.valueOf(e.getMessage()).contains("REFUSED_STREAM")) {
            return HttpCall.REFUSED_STREAM;
        }
        if (e instanceof InterruptedIOException) {
            return HttpCall.TIMEOUT;
        }
        return HttpCall.RESET;
    }

    private static void sleep(long nanos, Chain chain) throws IOException {
        if (nanos <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            chain.call().cancel();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }

    /** The Host the application would have sent: its own header, else the URL's authority. */
    private static String logicalHost(Request request) {
        String host = request.header("Host");
        if (host != null) {
            return host;
        }
        HttpUrl url = request.url();
        return url.port() == HttpUrl.defaultPort(url.scheme()) ? url.host() : url.host() + ":" + url.port();
    }
}
