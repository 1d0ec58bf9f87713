package dev.jmesh.instrumentation.jdkhttp;

import dev.jmesh.bootstrap.AsyncCallDriver;
import dev.jmesh.bootstrap.HttpCall;
import dev.jmesh.bootstrap.Mesh;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a JDK HttpClient call to a mesh service: each attempt is an ordinary
 * {@code client.sendAsync} whose request object takes the endpoint the mesh chose, so pools,
 * HTTP/2 and redirects stay the client's own. Lives in the agent's class loader, which sees
 * {@code java.net.http}; advice reaches it through {@link Mesh#sendJdkHttp}.
 */
public final class JdkHttpCallDriver implements AsyncCallDriver {

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CompletableFuture<?> send(Object client, Object request, Object handler, Object pushHandler) {
        HttpRequest httpRequest = (HttpRequest) request;
        URI uri = httpRequest.uri();
        HttpCall call = Mesh.beginHttp(uri.getScheme(), uri.getHost(), httpRequest.method(),
                uri.getRawPath(), uri.getRawQuery());
        if (call == null) {
            return null;
        }
        String hashHeader = call.hashHeader();
        if (hashHeader != null) {
            call.hashKey(httpRequest.headers().firstValue(hashHeader).orElse(null));
        }
        JdkCallAttempts attempts = new JdkCallAttempts((HttpClient) client, httpRequest,
                (HttpResponse.BodyHandler) handler, (HttpResponse.PushPromiseHandler) pushHandler, call);
        attempts.start();
        return attempts.result();
    }
}
