package dev.jmesh.agent.inbound;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongConsumer;

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

    /** {@code in}, telling {@code counted} how many bytes each read returned. */
    static InputStream counting(InputStream in, LongConsumer counted) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    counted.accept(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    counted.accept(n);
                }
                return n;
            }
        };
    }
}
