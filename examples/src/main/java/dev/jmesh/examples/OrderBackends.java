package dev.jmesh.examples;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's "orders" service: N instances on free loopback ports, each answering with its
 * own name. Prints {@code READY port...} once they listen; runs until killed.
 */
public final class OrderBackends {

    public static void main(String[] args) throws IOException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<String> ports = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String name = "orders-" + i;
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
            ports.add(Integer.toString(server.getAddress().getPort()));
        }
        System.out.println("READY " + String.join(" ", ports));
        System.out.flush();
    }
}
