package dev.jmesh.agent.inbound;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Byte copying between the two sides of a terminated connection. */
final class Pipes {

    private Pipes() {}

    /** Copies until {@code in} ends, flushing after every read so that nothing waits in a buffer. */
    static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }
}
