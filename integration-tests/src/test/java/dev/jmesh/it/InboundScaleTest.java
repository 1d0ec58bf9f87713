package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.it.app.CallerApp;
import dev.jmesh.it.app.ServerApp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One inbound port holding 10,000 open connections while it serves mutual-TLS load, on JDK 25,
 * whose virtual threads carry the connections: the server JVM's threads and heap are read
 * before, with the connections open, and after the load.
 *
 * <p>A quarter of the connections have been served once and are kept alive, joined to the
 * application (three descriptors each in the server JVM: the caller's, the port's to the
 * application, the application's); the rest have sent nothing yet and cost one each, as the
 * port joins a connection at its first byte. Ten thousand joined connections would need 30,000
 * descriptors, over this machine's hard limit of 20,000 per process, which a container without
 * CAP_SYS_RESOURCE cannot raise.
 */
class InboundScaleTest {

    private static final int CONNECTIONS = 10_000;
    /** How many of them are served once before they idle. */
    private static final int SERVED = 2_500;
    private static final Path JCMD = Jdk.JDK25.java().resolveSibling("jcmd");

    @TempDir
    static Path dir;

    @Test
    void tenThousandIdleConnectionsAndLoadOnOnePortWithABoundedNumberOfThreads() throws Exception {
        TrustDomain domain = TrustDomain.create(dir, "ca");
        Path orders = domain.issue("orders");
        Path shop = domain.issue("shop");
        int port = FreePort.pick();
        Path policy = Policy.write(dir, "workload: orders\n" + TrustDomain.identityYaml(orders)
                + "inbound: { port: " + port + ", mtls: permissive, protocol: http }\n");
        try (AppJvm server = AppJvm.on(Jdk.JDK25).withAgent(policy)
                // the application's own server keeps its idle connections as long as the test holds them
                .jvmOption("-Dsun.net.httpserver.maxIdleConnections=" + 2 * SERVED)
                .jvmOption("-Dsun.net.httpserver.idleInterval=300")
                .classPath(AppJvm.classPath()).run(ServerApp.class.getName(), List.of("http", Integer.toString(port), "orders"))) {
            server.awaitLine("LISTENING"::equals);
            server.awaitErrorLine(l -> l.contains("inbound port " + port) && l.contains("connections on virtual threads"));
            Figures before = Figures.of(server);

            List<SocketChannel> idle = new ArrayList<>();
            try {
                openAndServeOnce(port, idle);
                Figures open = Figures.of(server);
                Path caller = Policy.write(dir, "workload: shop\n" + TrustDomain.identityYaml(shop) + """
                        services:
                          orders:
                            endpoints: [ 127.0.0.1:%d ]
                            tls: { mode: mutual, serverIdentity: "%s" }
                        """.formatted(port, TrustDomain.id("orders")));
                AppJvm.Result load;
                try (AppJvm app = AppJvm.on(Jdk.JDK25).withAgent(caller).classPath(AppJvm.classPath())
                        .run(CallerApp.class.getName(), List.of("jdk-sync", "400*http://orders/load", "--threads", "8"))) {
                    load = app.await();
                }
                Figures loaded = Figures.of(server);
                System.out.printf("inbound port, JDK 25: %,d open idle connections (%,d served once) and 400 mTLS"
                                + " calls (8 threads)%n"
                                + "  before:           %4d threads, live heap %,d KB%n"
                                + "  connections open: %4d threads, live heap %,d KB%n"
                                + "  after the load:   %4d threads, live heap %,d KB%n",
                        CONNECTIONS, SERVED, before.threads, before.heapKb, open.threads, open.heapKb, loaded.threads, loaded.heapKb);
                assertEquals(List.of(), load.errors(), load.toString());
                assertEquals(400, load.linesFor("http://orders/load").size(), load.toString());
                assertTrue(open.threads < before.threads + 50 && loaded.threads < before.threads + 80,
                        "platform threads stay bounded: " + before.threads + " before, " + open.threads + " with "
                                + CONNECTIONS + " connections, " + loaded.threads + " after the load");
                assertOpen(idle);
            } finally {
                for (SocketChannel channel : idle) {
                    channel.close();
                }
            }
        }
    }

    /** Opens the connections and has the first {@link #SERVED} answered once, then leaves them all idle. */
    private static void openAndServeOnce(int port, List<SocketChannel> idle) throws IOException {
        byte[] request = "GET /idle HTTP/1.1\r\nHost: orders\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < CONNECTIONS; i++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                idle.add(channel);
                if (i < SERVED) {
                    channel.write(ByteBuffer.wrap(request));
                    channel.configureBlocking(false);
                    channel.register(selector, SelectionKey.OP_READ, new StringBuilder());
                }
            }
            int answered = 0;
            long deadline = System.nanoTime() + 120_000_000_000L;
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (answered < SERVED && System.nanoTime() < deadline) {
                selector.select(1000);
                for (SelectionKey key : selector.selectedKeys()) {
                    StringBuilder seen = (StringBuilder) key.attachment();
                    buffer.clear();
                    int n = ((SocketChannel) key.channel()).read(buffer);
                    if (n < 0) {
                        throw new IOException("a connection closed before its answer: " + seen);
                    }
                    seen.append(new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1));
                    if (seen.indexOf("name=orders") >= 0) {
                        answered++;
                        key.cancel();
                    }
                }
                selector.selectedKeys().clear();
            }
            assertEquals(SERVED, answered, "connections answered");
        }
        for (SocketChannel channel : idle.subList(0, SERVED)) {
            channel.configureBlocking(true);
        }
    }

    /** Connections of both kinds are still open: a request on each is answered. */
    private static void assertOpen(List<SocketChannel> idle) throws IOException {
        byte[] request = "GET /again HTTP/1.1\r\nHost: orders\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (SocketChannel channel : List.of(idle.get(0), idle.get(SERVED - 1), idle.get(SERVED), idle.get(CONNECTIONS - 1))) {
            channel.write(ByteBuffer.wrap(request));
            ByteBuffer answer = ByteBuffer.allocate(4096);
            channel.socket().setSoTimeout(10_000);
            int n = channel.socket().getInputStream().read(answer.array());
            assertTrue(n > 0 && new String(answer.array(), 0, n, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"),
                    "an idle connection still served");
        }
    }

    /** The server JVM's platform threads ({@code /proc}) and live heap ({@code jcmd GC.run}, then {@code GC.heap_info}). */
    record Figures(int threads, long heapKb) {
        private static final Pattern USED = Pattern.compile("heap .*used (\\d+)K");

        static Figures of(AppJvm jvm) throws IOException, InterruptedException {
            int threads = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + jvm.pid() + "/status"))) {
                if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring(8).trim());
                }
            }
            jcmd(jvm, "GC.run");
            String info = jcmd(jvm, "GC.heap_info");
            Matcher used = USED.matcher(info);
            if (!used.find()) {
                throw new AssertionError("no heap figure in jcmd's answer: " + info);
            }
            return new Figures(threads, Long.parseLong(used.group(1)));
        }

        private static String jcmd(AppJvm jvm, String command) throws IOException, InterruptedException {
            Process jcmd = new ProcessBuilder(JCMD.toString(), Long.toString(jvm.pid()), command)
                    .redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor();
            return out;
        }
    }
}
