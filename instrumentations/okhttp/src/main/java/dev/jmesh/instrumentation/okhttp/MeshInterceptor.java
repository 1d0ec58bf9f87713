package dev.jmesh.instrumentation.okhttp;

import dev.jmesh.bootstrap.Mesh;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Sends each call to a mesh service to the endpoint the mesh picks for it.
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
     * interceptor list. An unfamiliar list is left alone.
     */
    @SuppressWarnings("unchecked")
    public static void joinChain(List<?> interceptors) {
        for (int i = 0; i < interceptors.size(); i++) {
            Object interceptor = interceptors.get(i);
            if (interceptor == INSTANCE) {
                return;
            }
            if (interceptor.getClass().getName().equals(RETRY_AND_FOLLOW_UP)) {
                ((List<Object>) interceptors).add(i, INSTANCE);
                return;
            }
        }
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        HttpUrl url = request.url();
        InetSocketAddress endpoint = Mesh.routeHttp(url.scheme(), url.host());
        if (endpoint == null) {
            return chain.proceed(request);
        }
        Request routed = request.newBuilder()
                .url(url.newBuilder().host(endpoint.getHostString()).port(endpoint.getPort()).build())
                .header("Host", logicalHost(request))
                .build();
        return chain.proceed(routed).newBuilder().request(request).build();
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
