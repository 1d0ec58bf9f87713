package dev.jmesh.it.app;

import com.sun.net.httpserver.HttpServer;
import dev.jmesh.it.app.servers.Endpoints;
import dev.jmesh.it.app.servers.JdkServer;
import dev.jmesh.it.app.servers.JettyServer;
import dev.jmesh.it.app.servers.NettyServer;
import dev.jmesh.it.app.servers.ReactorNettyServer;
import dev.jmesh.it.app.servers.ServedServer;
import dev.jmesh.it.app.servers.TomcatServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An ordinary server that knows nothing of jmesh, listening on the port it is given:
 *
 * <pre>
 * ServerApp http PORT NAME [--close] [--call URL]
 *                                      com.sun.net.httpserver: answers "name=NAME xfcc=&lt;x-forwarded-client-cert&gt;"
 *                                      (--close: one request per connection; --call: once listening,
 *                                      a call of its own with the JDK client, printing CALLED URL STATUS)
 * ServerApp socket PORT NAME           blocking ServerSocket: greets each connection with "NAME", then echoes lines
 * ServerApp nio PORT NAME              ServerSocketChannel: the same
 * ServerApp SERVER PORT                one server library serving {@link Endpoints} on loopback, SERVER one of
 *                                      jdk, jetty, tomcat, netty, reactor-netty (see {@link #served}); it stops
 *                                      and exits on "exit" on stdin
 * </pre>
 *
 * It prints {@code LISTENING} once bound, and runs until killed.
 */
public final class ServerApp {

    private ServerApp() {}

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int port = Integer.parseInt(args[1]);
        ServedServer served = served(kind);
        if (served != null) {
            serveUntilExit(served, port);
            return;
        }
        String name = args[2];
        List<String> options = List.of(args).subList(3, args.length);
        boolean close = options.contains("--close");
        int call = options.indexOf("--call");
        switch (kind) {
            case "http" -> {
                http(port, name, close);
                if (call >= 0) {
                    callOnce(URI.create(options.get(call + 1)));
                }
            }
            case "socket" -> socket(port, name);
            case "nio" -> nio(port, name);
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        }
    }

    /** The server library named {@code kind}, or {@code null} for the other kinds. */
    private static ServedServer served(String kind) {
        return switch (kind) {
            case "jdk" -> new JdkServer();
            case "jetty" -> new JettyServer();
            case "tomcat" -> new TomcatServer();
            case "netty" -> new NettyServer();
            case "reactor-netty" -> new ReactorNettyServer();
            default -> null;
        };
    }

    private static void serveUntilExit(ServedServer server, int port) throws Exception {
        server.start(port);
        System.out.println("LISTENING");
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = stdin.readLine()) != null && !line.equals("exit"); ) {
            // only "exit" is understood
        }
        server.stop();
        System.out.println("STOPPED");
    }

    private static void http(int port, String name, boolean close) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 50);
        server.createContext("/", exchange -> {
            String clientCert = exchange.getRequestHeaders().getFirst("x-forwarded-client-cert");
            byte[] body = ("name=" + name + " xfcc=" + clientCert).getBytes(StandardCharsets.UTF_8);
            if (close) {
                exchange.getResponseHeaders().add("Connection", "close");
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.out.println("LISTENING");
    }

    private static void callOnce(URI url) {
        Thread caller = new Thread(() -> {
            try {
                HttpResponse<String> response = HttpClient.newHttpClient()
                        .send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
                System.out.println("CALLED " + url + " " + response.statusCode());
            } catch (IOException | InterruptedException e) {
                System.out.println("CALLED " + url + " " + e);
            }
        }, "own-call");
        caller.setDaemon(true);
        caller.start();
    }

    private static void socket(int port, String name) throws IOException {
        ServerSocket server = new ServerSocket(port);
        System.out.println("LISTENING");
        while (true) {
            Socket connection = server.accept();
            Thread thread = new Thread(() -> {
                try (connection) {
                    echo(name, connection.getInputStream(), connection.getOutputStream());
                } catch (IOException e) {
                    // the client went away
                }
            });
            thread.start();
        }
    }

    private static void nio(int port, String name) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(port));
        System.out.println("LISTENING");
        while (true) {
            SocketChannel connection = server.accept();
            Thread thread = new Thread(() -> {
                try (connection) {
                    connection.write(ByteBuffer.wrap((name + "\n").getBytes(StandardCharsets.UTF_8)));
                    ByteBuffer buffer = ByteBuffer.allocate(4096);
                    while (connection.read(buffer) >= 0) {
                        buffer.flip();
                        connection.write(buffer);
                        buffer.clear();
                    }
                } catch (IOException e) {
                    // the client went away
                }
            });
            thread.start();
        }
    }

    private static void echo(String name, InputStream in, OutputStream out) throws IOException {
        out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        byte[] buffer = new byte[4096];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }
}
