package dev.jmesh.it.app.servers;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;

/** Jetty 12's core server (no servlets), HTTP/1.1, with a blocking handler. */
public final class JettyServer implements ServedServer {

    private Server server;

    @Override
    public void start(int port) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                serve(request, response, callback);
                return true;
            }
        });
        server.start();
    }

    private static void serve(Request request, Response response, Callback callback) throws Exception {
        Endpoints.Reply reply = Endpoints.reply(request.getHttpURI().getPath(),
                Content.Source.asInputStream(request).readAllBytes());
        response.setStatus(reply.status());
        if (!reply.streamed()) {
            if (reply.body().length > 0) {
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.body().length);
            }
            response.write(true, ByteBuffer.wrap(reply.body()), callback);
            return;
        }
        for (byte[] piece : reply.pieces()) {
            FutureCallback written = new FutureCallback();
            response.write(false, ByteBuffer.wrap(piece), written);
            written.get();
        }
        response.write(true, null, callback);
    }

    @Override
    public void stop() throws Exception {
        server.stop();
    }
}
