package dev.jmesh.benchmarks.e2e;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The served-requests cells' application: {@code ServedApp SERVER PORT} serves {@code ok} on
 * every path of {@code 127.0.0.1:PORT} with one server library, {@code jdk} (the JDK's
 * {@code HttpServer} on its default executor, so handlers run on its dispatcher thread) or
 * {@code jetty} (Jetty 12's core server, a blocking handler on its default thread pool), and
 * runs until stopped. It knows nothing of jmesh: the cell adds the agent, or not.
 */
public final class ServedApp {

    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

    private ServedApp() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        switch (args[0]) {
            case "jdk" -> Jdk.start(port);
            // Its own class, so that the JDK server's JVM never loads Jetty's.
            case "jetty" -> Jetty.start(port);
            default -> throw new IllegalArgumentException("unknown server '" + args[0] + "' (jdk, jetty)");
        }
    }

    private static final class Jdk {
        static void start(int port) throws Exception {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
            server.createContext("/", exchange -> {
                try (exchange) {
                    exchange.getResponseHeaders().set("Content-Type", "text/plain");
                    exchange.sendResponseHeaders(200, OK.length);
                    exchange.getResponseBody().write(OK);
                }
            });
            server.start();
        }
    }

    private static final class Jetty {
        static void start(int port) throws Exception {
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost(Servers.HOST);
            connector.setPort(port);
            server.addConnector(connector);
            server.setHandler(new Handler.Abstract() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) {
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, OK.length);
                    response.write(true, ByteBuffer.wrap(OK), callback);
                    return true;
                }
            });
            server.start();
        }
    }
}
