package dev.jmesh.it.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A slow network in front of a server: every byte is delivered {@code DELAY_MS} after it was
 * sent, in each direction, as over a long link (a latency, not a bandwidth limit). The kernel
 * here has no netem qdisc, so the delay is made in user space.
 *
 * <pre>
 * DelayProxy LISTEN_PORT TARGET_HOST:PORT DELAY_MS
 * </pre>
 *
 * It prints {@code LISTENING} once bound, and runs until killed.
 */
public final class DelayProxy {

    private record Chunk(long dueNanos, byte[] bytes) {}

    private static final Chunk END = new Chunk(0, new byte[0]);

    private DelayProxy() {}

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        String[] target = args[1].split(":");
        long delayNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[2]));
        ServerSocket server = new ServerSocket(port);
        System.out.println("LISTENING");
        System.out.flush();
        while (true) {
            Socket client = server.accept();
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(target[0], Integer.parseInt(target[1])));
            } catch (IOException e) {
                client.close();
                continue;
            }
            AtomicInteger open = new AtomicInteger(2);
            relay(client, upstream, delayNanos, open);
            relay(upstream, client, delayNanos, open);
        }
    }

    /** One direction: a reader stamps each chunk with when it is due, a writer delivers it then. */
    private static void relay(Socket from, Socket to, long delayNanos, AtomicInteger open) {
        BlockingQueue<Chunk> line = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                for (int n; (n = in.read(buffer)) > 0; ) {
                    line.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
                }
            } catch (IOException e) {
                // the connection is gone; what was read is still delivered
            }
            line.add(END);
        });
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = to.getOutputStream();
                for (Chunk chunk; (chunk = line.take()) != END; ) {
                    long wait = chunk.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                // the other side went away
            }
            if (open.decrementAndGet() == 0) {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
