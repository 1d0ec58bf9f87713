package dev.jmesh.it;

import java.io.IOException;

/** A loopback address where nothing listens: connections to it are refused at once. */
final class DeadPort {

    private DeadPort() {}

    static String address() throws IOException {
        return "127.0.0.1:" + FreePort.pick();
    }
}
