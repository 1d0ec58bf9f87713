package dev.jmesh.bootstrap;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/**
 * Where a connection's bytes are counted as they pass, in Envoy's terms: {@code received} from
 * downstream and {@code sent} to it. Downstream is the caller at the destination's inbound port,
 * and the application itself at the source: what the application writes to a tcp service is
 * received, what it reads is sent, as a sidecar would count them.
 */
public interface ByteCount {

    void received(long bytes);

    void sent(long bytes);

    /** {@code in}, each read counted by {@code counted}. */
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

    /** {@code out}, each write counted by {@code counted}; writes go through whole, not byte by byte. */
    static OutputStream counting(OutputStream out, LongConsumer counted) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                counted.accept(1);
            }

            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                out.write(buffer, offset, length);
                counted.accept(length);
            }
        };
    }
}
