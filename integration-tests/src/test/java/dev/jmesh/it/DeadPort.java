package dev.jmesh.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A loopback address where nothing listens: connections to it are refused at once. */
final class DeadPort {

    private DeadPort() {}

    static String address() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }
}
