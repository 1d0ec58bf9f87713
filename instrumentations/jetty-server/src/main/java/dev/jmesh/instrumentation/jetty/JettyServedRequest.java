package dev.jmesh.instrumentation.jetty;

import dev.jmesh.bootstrap.ServedRequest;
import dev.jmesh.bootstrap.ServerHooks;
import java.util.function.Function;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * The hook woven into Jetty's {@code Server.handle}: begins the served request and puts a
 * {@link JettyServedStream} in front of the request's stream, which sees what is really sent
 * (Jetty's own error responses included, which bypass the handlers' {@code Response}) and the
 * exchange's end. Defined by the agent in the loader that loaded Jetty.
 */
public final class JettyServedRequest implements Function<HttpStream, HttpStream> {

    private final ServedRequest served;
    private final Request request;

    private JettyServedRequest(ServedRequest served, Request request) {
        this.served = served;
        this.request = request;
    }

    /** A request's head has been read and the server is about to run its handlers. */
    public static void begin(Object request, Object response) {
        try {
            begin((Request) request, (Response) response);
        } catch (Throwable t) {
            // served unrecorded
        }
    }

    private static void begin(Request request, Response response) {
        ConnectionMetaData connection = request.getConnectionMetaData();
        ServedRequest served = ServerHooks.begin(request.getMethod(), request.getHttpURI().getPath(),
                connection.getProtocol(), request.getHttpURI().getAuthority(),
                request.getHeaders().get(ServedRequest.PEER_HEADER), connection.getRemoteSocketAddress(),
                connection.getLocalSocketAddress());
        if (served == null) {
            return;
        }
        String answer = served.responseHeader();
        if (answer != null) {
            response.getHeaders().put(ServedRequest.PEER_HEADER, answer);
        }
        request.addHttpStreamWrapper(new JettyServedRequest(served, request));
    }

    @Override
    public HttpStream apply(HttpStream stream) {
        return new JettyServedStream(stream, served, request);
    }
}
