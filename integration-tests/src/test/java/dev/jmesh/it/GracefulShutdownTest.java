package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM exits ({@code System.exit}, or a SIGTERM) while a call is in flight: the agent lets
 * it finish within the drain time, and only within it; an inbound port stops accepting first.
 */
class GracefulShutdownTest {

    static final String URL = "http://slow/";

    @TempDir
    Path dir;

    @Test
    void aCallInFlightAtExitFinishesWithinTheDrainTime() throws Exception {
        try (Backend slow = Backend.start("slow").delaying(1500)) {
            AppJvm.Result result = exitDuringACall(slow, "");
            assertTrue(result.stdout().contains("EXIT"), result::toString);
            List<String> lines = result.linesFor(URL);
            assertEquals(1, lines.size(), "the call finished after the exit began: " + result);
            assertTrue(lines.get(0).startsWith("RESULT " + URL + " 200 "), result::toString);
            assertTrue(result.stderr().stream().anyMatch(line -> line.contains("shutdown: 1 call(s) in flight finished in")),
                    result::toString);
        }
    }

    @Test
    void aCallLongerThanTheDrainTimeIsNotWaitedFor() throws Exception {
        try (Backend slow = Backend.start("slow").delaying(10_000)) {
            long start = System.nanoTime();
            AppJvm.Result result = exitDuringACall(slow, "drainTime: 300ms\n");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(List.of(), result.linesFor(URL), "the JVM halted before the call answered: " + result);
            assertTrue(result.stderr().stream().anyMatch(line -> line.contains(
                    "shutdown: 1 of 1 call(s) in flight still running after the drain time 300ms")), result::toString);
            assertTrue(millis < 10_000, "the exit did not wait for the 10 s call: " + millis + " ms");
        }
    }

    @Test
    void anInboundPortStopsAcceptingAtExitWhileItsOpenConnectionsGoOn() throws Exception {
        Path identity = TrustDomain.create(dir, "ca").issue("orders");
        int port = FreePort.pick();
        try (Backend slow = Backend.start("slow").delaying(4000)) {
            // Permissive: the test's plain socket may call through the port the agent owns.
            Path policy = Policy.write(dir, "workload: orders\n" + TrustDomain.identityYaml(identity)
                    + "inbound: { port: " + port + ", mtls: permissive }\n" + """
                    services:
                      slow:
                        endpoints: [ %s ]
                    """.formatted(slow.address()));
            try (AppJvm server = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath())
                    .run("dev.jmesh.it.app.ServerApp", List.of("http", Integer.toString(port), "orders", "--call", URL))) {
                server.awaitLine("LISTENING"::equals);
                try (Socket open = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    open.setSoTimeout(5000);
                    assertTrue(get(open).startsWith("HTTP/1.1 200"), "through the inbound port");
                    slow.awaitHits(1); // the server's own call is in flight: the drain keeps the JVM up
                    server.terminate();
                    long deadline = System.nanoTime() + 3_000_000_000L;
                    while (accepts(port)) {
                        assertTrue(System.nanoTime() < deadline, "the inbound port still accepts 3 s after SIGTERM");
                        Thread.sleep(20);
                    }
                    assertTrue(server.alive(), "refused while the JVM drains, not because it is gone");
                    assertTrue(get(open).startsWith("HTTP/1.1 200"), "a connection open before the exit goes on");
                }
                AppJvm.Result result = server.await();
                assertTrue(result.stdout().contains("CALLED " + URL + " 200"), result::toString);
                assertTrue(result.stderr().stream().anyMatch(line -> line.contains("shutdown: 1 call(s) in flight finished in")),
                        result::toString);
            }
        }
    }

    private static boolean accepts(int port) throws IOException {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    /** One HTTP/1.1 request on {@code connection}, kept open; the response's status line. */
    private static String get(Socket connection) throws IOException {
        connection.getOutputStream().write("GET / HTTP/1.1\r\nHost: orders\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        connection.getOutputStream().flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
        String status = in.readLine();
        int length = 0;
        for (String header; (header = in.readLine()) != null && !header.isEmpty(); ) {
            if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(header.substring(15).trim());
            }
        }
        for (int i = 0; i < length; i++) {
            in.read();
        }
        return status;
    }

    private AppJvm.Result exitDuringACall(Backend backend, String extra) throws Exception {
        Path policy = Policy.write(dir, """
                services:
                  slow:
                    endpoints: [ %s ]
                """.formatted(backend.address()) + extra);
        try (AppJvm caller = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath("okhttp4"))
                .run("dev.jmesh.it.app.CallerApp", List.of("jdk-sync", URL, "--exit-on-input"))) {
            backend.awaitHits(1); // the call is in flight: the backend holds it
            caller.writeLine("exit");
            return caller.await();
        }
    }
}
