package dev.jmesh.it.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * An application that opens TCP connections to a host name with plain JDK APIs and prints the
 * first line each server sends: {@code CONNECTED MODE LINE} or {@code ERROR MODE EXCEPTION}.
 *
 * <pre>
 * TcpCallerApp HOST PORT MODES COUNT [--timeout MS] [--resolve NAME]... [--await-stdin] [--timed]
 *   MODES: comma-separated, each run COUNT times: socket | channel | nonblocking | adaptor
 *          | selector (a blocking channel connect, then checked and read through a selector)
 *          | virtual (a Socket on a virtual thread, JDK 21+) | virtual-selector (selector, on one)
 *          | async (AsynchronousSocketChannel)
 *          | netty-nio | netty-epoll, each optionally +dns (Netty's own DNS resolver)
 * </pre>
 *
 * {@code --resolve NAME} first prints {@code RESOLVED NAME ADDRESSES} or {@code UNRESOLVED NAME
 * EXCEPTION}; {@code --await-stdin} prints {@code DONE} and waits for a line before exiting;
 * {@code --timed} ends each result line with the time it took: {@code ... ms=N}.
 */
public final class TcpCallerApp {

    private TcpCallerApp() {}

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String[] modes = args[2].split(",");
        int count = Integer.parseInt(args[3]);
        int timeout = 0;
        boolean awaitStdin = false;
        boolean timed = false;
        for (int i = 4; i < args.length; i++) {
            switch (args[i]) {
                case "--timeout" -> timeout = Integer.parseInt(args[++i]);
                case "--resolve" -> resolve(args[++i]);
                case "--await-stdin" -> awaitStdin = true;
                case "--timed" -> timed = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        for (String mode : modes) {
            for (int i = 0; i < count; i++) {
                String line;
                long start = System.nanoTime();
                try {
                    line = "CONNECTED " + mode + " " + connect(host, port, mode, timeout);
                } catch (Exception e) {
                    line = "ERROR " + mode + " " + e;
                }
                System.out.println(timed ? line + " ms=" + (System.nanoTime() - start) / 1_000_000 : line);
            }
        }
        if (awaitStdin) {
            System.out.println("DONE");
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
    }

    private static void resolve(String name) {
        try {
            System.out.println("RESOLVED " + name + " " + Arrays.toString(InetAddress.getAllByName(name)));
        } catch (IOException e) {
            System.out.println("UNRESOLVED " + name + " " + e.getClass().getName());
        }
    }

    private static String connect(String host, int port, String mode, int timeout) throws Exception {
        return switch (mode) {
            case "socket" -> viaSocket(host, port, timeout);
            case "channel" -> viaChannel(host, port);
            case "nonblocking" -> viaNonBlockingChannel(host, port);
            case "adaptor" -> viaAdaptor(host, port, timeout);
            case "selector" -> connectedThenSelected(host, port);
            case "virtual" -> onVirtualThread(() -> viaSocket(host, port, timeout));
            case "virtual-selector" -> onVirtualThread(() -> connectedThenSelected(host, port));
            case "async" -> viaAsynchronousChannel(host, port);
            case "netty-nio", "netty-nio+dns", "netty-epoll", "netty-epoll+dns" ->
                    NettyConnect.firstLine(host, port, mode.startsWith("netty-epoll"), mode.endsWith("+dns"));
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        };
    }

    private static String viaSocket(String host, int port, int timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(5000);
            socket.connect(new InetSocketAddress(host, port), timeout);
            return firstLine(socket);
        }
    }

    private static String viaAdaptor(String host, int port, int timeout) throws IOException {
        try (SocketChannel channel = SocketChannel.open()) {
            channel.socket().connect(new InetSocketAddress(host, port), timeout);
            return firstLine(channel.socket());
        }
    }

    private static String viaChannel(String host, int port) throws IOException {
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress(host, port))) {
            return readLine(channel);
        }
    }

    /** A blocking connect with options set first; then the channel must behave as connected, through a selector too. */
    private static String connectedThenSelected(String host, int port) throws IOException {
        try (SocketChannel channel = SocketChannel.open(); Selector selector = Selector.open()) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            if (!channel.connect(new InetSocketAddress(host, port)) || !channel.isConnected()
                    || channel.isConnectionPending()) {
                throw new IllegalStateException("a blocking connect returned unconnected");
            }
            InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
            InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
            if (remote == null || local == null || local.getPort() == 0) {
                throw new IllegalStateException("addresses " + local + " -> " + remote);
            }
            if (!channel.getOption(StandardSocketOptions.TCP_NODELAY)
                    || !channel.getOption(StandardSocketOptions.SO_KEEPALIVE)) {
                throw new IllegalStateException("options set before connecting were lost");
            }
            if (!remote.equals(channel.socket().getRemoteSocketAddress()) || !channel.socket().isConnected()) {
                throw new IllegalStateException("the socket adaptor disagrees: " + channel.socket());
            }
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            ByteBuffer buffer = ByteBuffer.allocate(256);
            while (buffer.position() == 0 || buffer.get(buffer.position() - 1) != '\n') {
                if (selector.select(5000) == 0) {
                    throw new IllegalStateException("never readable");
                }
                selector.selectedKeys().clear();
                if (channel.read(buffer) < 0) {
                    break;
                }
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).trim();
        }
    }

    private static String viaNonBlockingChannel(String host, int port) throws IOException {
        try (SocketChannel channel = SocketChannel.open(); Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            if (!channel.connect(new InetSocketAddress(host, port))) {
                SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
                while (!channel.finishConnect()) {
                    selector.select(5000);
                }
                key.cancel();
                selector.selectNow(); // deregisters, so the channel may block again
            }
            channel.configureBlocking(true);
            return readLine(channel);
        }
    }

    private static String viaAsynchronousChannel(String host, int port) throws Exception {
        try (AsynchronousSocketChannel channel = AsynchronousSocketChannel.open()) {
            channel.connect(new InetSocketAddress(host, port)).get(5, TimeUnit.SECONDS);
            ByteBuffer buffer = ByteBuffer.allocate(256);
            while (buffer.position() == 0 || buffer.get(buffer.position() - 1) != '\n') {
                if (channel.read(buffer).get(5, TimeUnit.SECONDS) < 0) {
                    break;
                }
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).trim();
        }
    }

    interface Connection {
        String firstLine() throws IOException;
    }

    private static String onVirtualThread(Connection connection) throws Exception {
        String[] result = new String[1];
        Exception[] failure = new Exception[1];
        Runnable call = () -> {
            try {
                boolean virtual = (boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
                result[0] = connection.firstLine() + " virtual=" + virtual;
            } catch (Exception e) {
                failure[0] = e;
            }
        };
        // Compiled for Java 17: the virtual-thread API is reached by reflection.
        Thread thread = (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, call);
        thread.join();
        if (failure[0] != null) {
            throw failure[0];
        }
        return result[0];
    }

    private static String firstLine(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    private static String readLine(SocketChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        while (buffer.position() == 0 || buffer.get(buffer.position() - 1) != '\n') {
            if (channel.read(buffer) < 0) {
                break;
            }
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).trim();
    }
}
