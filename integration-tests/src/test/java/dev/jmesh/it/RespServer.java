package dev.jmesh.it;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server of the Redis protocol (RESP2) just large enough for a real Redis client's
 * connection: {@code HELLO} is refused (the client falls back to RESP2), {@code PING} answers
 * {@code PONG}, {@code GET} answers the server's name, anything else {@code OK}. Counts the
 * connections it accepted.
 */
final class RespServer implements AutoCloseable {

    private final String name;
    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();

    RespServer(String name) throws IOException {
        this.name = name;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "resp-" + name);
        accept.setDaemon(true);
        accept.start();
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                Thread serve = new Thread(() -> serve(socket), "resp-" + name + "-conn");
                serve.setDaemon(true);
                serve.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream());
             OutputStream out = socket.getOutputStream()) {
            for (List<String> command; (command = readCommand(in)) != null; ) {
                String verb = command.isEmpty() ? "" : command.get(0).toUpperCase(Locale.ROOT);
                String reply = switch (verb) {
                    case "HELLO" -> "-ERR unknown command 'HELLO'\r\n";
                    case "PING" -> "+PONG\r\n";
                    case "GET" -> "$" + name.length() + "\r\n" + name + "\r\n";
                    default -> "+OK\r\n";
                };
                out.write(reply.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** One command, an array of bulk strings; {@code null} at the end of the stream. */
    private static List<String> readCommand(InputStream in) throws IOException {
        String header = readLine(in);
        if (header == null) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0, n = Integer.parseInt(header.substring(1)); i < n; i++) {
            int length = Integer.parseInt(readLine(in).substring(1));
            byte[] bytes = in.readNBytes(length + 2); // and CRLF
            parts.add(new String(bytes, 0, length, StandardCharsets.UTF_8));
        }
        return parts;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') {
                return line.toString().stripTrailing();
            }
            line.append((char) c);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
