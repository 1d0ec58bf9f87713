package dev.jmesh.instrumentation.urlconnection;

import dev.jmesh.bootstrap.HttpCall;
import dev.jmesh.bootstrap.Mesh;
import dev.jmesh.bootstrap.UrlConnectionDriver;
import dev.jmesh.bootstrap.UrlConnectionHooks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.ProtocolException;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Runs an {@code HttpURLConnection} request to a mesh service as a mesh call. Each attempt is
 * the connection's own request, connected to the attempt's endpoint; between attempts the
 * connection is reset as it resets itself to follow a redirect, and its buffered body is sent
 * again. Lives in the agent's class loader; woven code reaches it through {@link UrlConnectionHooks}.
 */
public final class HttpUrlConnectionDriver implements UrlConnectionDriver {

    /** The attempt a connection is making: its endpoint, for the logical host it was made for. */
    record Attempt(String host, InetSocketAddress endpoint) {}

    private final Function<Class<?>, MethodHandles.Lookup> privateAccess;
    private volatile UrlConnectionInternals internals;
    /** An entry only while a connection makes an attempt (connections compare by identity). */
    private final Map<Object, Attempt> attempts = new ConcurrentHashMap<>();

    public HttpUrlConnectionDriver(Function<Class<?>, MethodHandles.Lookup> privateAccess) {
        this.privateAccess = privateAccess;
    }

    @Override
    public OutputStream requestBody(Object connection) {
        HttpURLConnection request = (HttpURLConnection) connection;
        if (!isMeshCall(request) || !request.getDoOutput() || "TRACE".equals(request.getRequestMethod())) {
            return null; // not a mesh call, or the connection's own checks and errors
        }
        UrlConnectionInternals members = internals(connection);
        if (members.answered(connection) || members.connectedTo(connection) != null) {
            return null;
        }
        if ("GET".equals(request.getRequestMethod())) {
            try {
                request.setRequestMethod("POST"); // as the connection itself does, for compatibility
            } catch (ProtocolException impossible) {
                return null;
            }
        }
        return members.bufferBody(connection);
    }

    @Override
    public InputStream response(Object connection) throws IOException {
        HttpURLConnection request = (HttpURLConnection) connection;
        if (attempts.containsKey(connection) || !isMeshCall(request) || !request.getDoInput()) {
            return null;
        }
        UrlConnectionInternals members = internals(connection);
        if (members.answered(connection)) {
            return null;
        }
        URL url = request.getURL();
        HttpCall call = Mesh.beginHttp(url.getProtocol(), url.getHost(), request.getRequestMethod(), url.getFile());
        if (call == null) {
            return null;
        }
        UrlConnectionTransport transport = new UrlConnectionTransport(this, request, members);
        try {
            UrlConnectionTransport.Response response = call.execute(transport);
            if (response.failure() != null) {
                throw response.failure(); // an error status, thrown as the connection throws it
            }
            return response.body();
        } catch (IOException e) {
            if (!members.answered(connection)) {
                members.remember(connection, e); // later reads of the response get the same failure
            }
            throw e;
        } finally {
            transport.restore();
        }
    }

    @Override
    public boolean defersConnect(Object connection) {
        return !attempts.containsKey(connection) && isMeshCall((HttpURLConnection) connection);
    }

    @Override
    public boolean streams(boolean streams, Object connection) {
        return streams && !isMeshCall((HttpURLConnection) connection);
    }

    private static boolean isMeshCall(HttpURLConnection connection) {
        URL url = connection.getURL();
        return Mesh.routesHttp(url.getProtocol(), url.getHost());
    }

    @Override
    public URL target(Object connection, URL url) {
        Attempt attempt = attempts.get(connection);
        InetSocketAddress endpoint;
        if (attempt != null && attempt.host().equalsIgnoreCase(url.getHost())) {
            endpoint = attempt.endpoint();
        } else if (!Mesh.routesHttp(url.getProtocol(), url.getHost())) {
            return url;
        } else {
            // A request the mesh does not run as a call (a redirect to another service): routed
            // per connection.
            try {
                endpoint = Mesh.routeHttp(null, url.toURI());
            } catch (URISyntaxException e) {
                return url;
            }
        }
        if (endpoint == null) {
            return url;
        }
        try {
            return new URL("http", endpoint.getHostString(), endpoint.getPort(), url.getFile());
        } catch (MalformedURLException impossible) {
            return url;
        }
    }

    void attempting(Object connection, String host, InetSocketAddress endpoint) {
        attempts.put(connection, new Attempt(host, endpoint));
    }

    void done(Object connection) {
        attempts.remove(connection);
    }

    private UrlConnectionInternals internals(Object connection) {
        UrlConnectionInternals members = internals;
        if (members == null) {
            try {
                members = internals = new UrlConnectionInternals(connectionClass(connection.getClass()), privateAccess);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("HttpURLConnection is not the shape jmesh knows", e);
            }
        }
        return members;
    }

    /** The JDK's connection class, which subclasses (HTTPS delegates, application subclasses) extend. */
    private static Class<?> connectionClass(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getSuperclass()) {
            if (t.getName().equals(UrlConnectionInstrumentation.CONNECTION)) {
                return t;
            }
        }
        throw new IllegalStateException("not a JDK HttpURLConnection: " + type);
    }
}
