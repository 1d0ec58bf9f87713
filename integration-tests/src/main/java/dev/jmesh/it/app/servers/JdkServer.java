package dev.jmesh.it.app.servers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** The JDK's {@code com.sun.net.httpserver.HttpServer}, on its default executor. */
public final class JdkServer implements ServedServer {

    private HttpServer server;

    @Override
    public void start(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.createContext("/", JdkServer::serve);
        server.start();
    }

    private static void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            Endpoints.Reply reply = Endpoints.reply(exchange.getRequestURI().getPath(),
                    exchange.getRequestBody().readAllBytes());
            // 0 announces a chunked body, -1 no body at all.
            long length = reply.streamed() ? 0 : reply.body().length == 0 ? -1 : reply.body().length;
            exchange.sendResponseHeaders(reply.status(), length);
            if (length != -1) {
                OutputStream out = exchange.getResponseBody();
                for (byte[] piece : reply.pieces()) {
                    out.write(piece);
                    out.flush();
                }
            }
        }
    }

    @Override
    public void stop() {
        server.stop(0);
    }
}
