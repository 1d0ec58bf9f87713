package dev.jmesh.instrumentation.jdkhttp;

import dev.jmesh.bootstrap.AsyncCallDriver;
import dev.jmesh.bootstrap.HttpCall;
import dev.jmesh.bootstrap.JdkHttpHooks;
import dev.jmesh.bootstrap.Mesh;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Hands a JDK HttpClient call to a mesh service to the mesh, which runs its attempts through
 * a {@link JdkTransport}: each is an ordinary {@code client.sendAsync}, so pools, HTTP/2 and
 * redirects stay the client's own. Lives in the agent's class loader, which sees
 * {@code java.net.http}; woven code reaches it through {@link JdkHttpHooks#send}.
 */
public final class JdkHttpCallDriver implements AsyncCallDriver {

    /** Private access to a JDK class, granted by the agent's tooling to the agent alone. */
    private final Function<Class<?>, MethodHandles.Lookup> privateAccess;

    /**
     * {@code HttpClientImpl.sendAsync(request, handler, pushHandler, executor)}, the private
     * method the application's call went through. Each attempt goes through it too, with the
     * application's executor argument: {@code send} passes none and gets its answer without a
     * hop through the common pool, exactly as without the mesh.
     */
    private volatile MethodHandle sendAsync;

    public JdkHttpCallDriver(Function<Class<?>, MethodHandles.Lookup> privateAccess) {
        this.privateAccess = privateAccess;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CompletableFuture<?> send(Object client, Object request, Object handler, Object pushHandler,
                                     Object executor) {
        MethodHandle send = sendAsync;
        if (send == null) {
            send = sendAsync = findSendAsync(privateAccess.apply(client.getClass()));
        }
        HttpRequest httpRequest = (HttpRequest) request;
        URI uri = httpRequest.uri();
        HttpCall call = Mesh.beginHttp(uri.getScheme(), uri.getHost(), httpRequest.method(),
                uri.getRawPath(), uri.getRawQuery());
        return call == null ? null : call.executeAsync(new JdkTransport(send, client, httpRequest,
                (HttpResponse.BodyHandler) handler, (HttpResponse.PushPromiseHandler) pushHandler, executor));
    }

    private static MethodHandle findSendAsync(MethodHandles.Lookup lookup) {
        try {
            return lookup.findVirtual(lookup.lookupClass(), "sendAsync", MethodType.methodType(CompletableFuture.class,
                    HttpRequest.class, HttpResponse.BodyHandler.class, HttpResponse.PushPromiseHandler.class,
                    Executor.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("HttpClientImpl.sendAsync not found", e);
        }
    }
}
