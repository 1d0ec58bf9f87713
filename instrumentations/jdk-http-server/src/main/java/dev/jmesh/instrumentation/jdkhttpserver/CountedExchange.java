package dev.jmesh.instrumentation.jdkhttpserver;

import com.sun.net.httpserver.HttpExchange;
import dev.jmesh.bootstrap.ServedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One served exchange whose body streams count the bytes the application reads and writes
 * (after the server's own framing: chunked or fixed length alike). The response is complete
 * when its body stream is closed: every way to finish an exchange closes it.
 */
final class CountedExchange {

    private final HttpExchange exchange;
    private final ServedRequest served;
    // Touched by the one thread that serves the exchange at a time.
    private long read;
    private long written;

    private CountedExchange(HttpExchange exchange, ServedRequest served) {
        this.exchange = exchange;
        this.served = served;
    }

    /** Puts counting streams in front of the exchange's own, which the server has just made. */
    static CountedExchange count(HttpExchange exchange, ServedRequest served) {
        CountedExchange counted = new CountedExchange(exchange, served);
        exchange.setStreams(counted.new RequestBody(exchange.getRequestBody()),
                counted.new ResponseBody(exchange.getResponseBody()));
        return counted;
    }

    /** Ends the served request with the status sent (0 when none was); the core counts only the first end. */
    void end() {
        served.end(Math.max(exchange.getResponseCode(), 0), read, written);
    }

    private final class RequestBody extends InputStream {

        private final InputStream in;

        RequestBody(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                read++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                read += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            read += skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private final class ResponseBody extends OutputStream {

        private final OutputStream out;

        ResponseBody(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            written++;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            out.write(buffer, offset, length);
            written += length;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } finally {
                end();
            }
        }
    }
}
