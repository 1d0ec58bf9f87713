package dev.jmesh.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * A free loopback port, for servers that must be told their port before they start.
 *
 * <p>Picked below the kernel's ephemeral range: a port from that range can be taken, between the
 * pick and the server's bind, by any connection's local end or any bind of port 0 on the machine
 * (a test starts several JVMs at once). Below it the kernel hands nothing out by itself.
 */
final class FreePort {

    private static final int LOWEST = 10_000;
    private static final Random RANDOM = new Random();
    /** Never the same port twice in one run, even if its first server has not bound it yet. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePort() {}

    static synchronized int pick() throws IOException {
        int highest = ephemeralStart() - 1;
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = LOWEST + RANDOM.nextInt(highest - LOWEST + 1);
            if (!HANDED_OUT.contains(port) && free(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IOException("no free loopback port in " + LOWEST + ".." + highest);
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The first port of {@code net.ipv4.ip_local_port_range} (Linux's default: 32768). */
    private static int ephemeralStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Math.max(LOWEST + 1000, Integer.parseInt(range.split("\\s+")[0]));
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
