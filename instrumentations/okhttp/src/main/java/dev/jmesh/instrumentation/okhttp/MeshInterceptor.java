package dev.jmesh.instrumentation.okhttp;

import dev.jmesh.bootstrap.HttpCall;
import dev.jmesh.bootstrap.Mesh;
import java.io.IOException;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Hands each call to a mesh service to the mesh, which runs its attempts through an
 * {@link OkHttpTransport}.
 *
 * <p>It sits after the application's interceptors, so they see the logical URL, and before
 * OkHttp's retry, bridge and connect interceptors, so connection pooling and routes are
 * OkHttp's own, keyed per endpoint. The {@code Host} header keeps the logical name and the
 * response carries the request the application made.
 *
 * <p>Defined by the agent inside the class loader that loaded OkHttp, so it compiles against
 * OkHttp 4 and links against whichever 3.12+, 4.x or 5.x the application brings: it uses only
 * members all of them have.
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
        // The response carries the request the application made, not the attempt's.
        return call.execute(new OkHttpTransport(chain, request)).newBuilder().request(request).build();
    }
}
