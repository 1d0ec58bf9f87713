package dev.jmesh.examples;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * One instance of the demo's "orders" service on a free loopback port, answering with its
 * own name. Prints {@code READY port} once it listens; runs until killed.
 */
public final class OrderBackend {

    public static void main(String[] args) throws IOException {
        String name = args.length > 0 ? args[0] : "orders";
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = ("{\"served_by\":\"" + name + "\",\"host\":\""
                    + exchange.getRequestHeaders().getFirst("Host") + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.out.println("READY " + server.getAddress().getPort());
        System.out.flush();
    }
}
