package dev.jmesh.control.client;

import dev.jmesh.control.protocol.FrameDecoder;
import dev.jmesh.control.protocol.Frames;
import dev.jmesh.control.protocol.HostPort;
import dev.jmesh.control.protocol.Message;
import dev.jmesh.control.protocol.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

/**
 * The agent's end of the control link: one daemon thread holding one TCP connection to one
 * replica at a time. It sends HELLO with the snapshot version it has, applies each pushed
 * SNAPSHOT through the {@link Listener} and answers ACK or NACK, keeps the link alive with
 * PING/PONG, and on any failure reconnects to the next server with jittered exponential backoff.
 * Only {@code java.base}, and a plain {@link Socket} to the literal server addresses (with TLS
 * layered over it when the options give a factory; plaintext to loopback servers only), from a
 * thread named {@code jmesh-…}, whose connections the agent's socket instrumentation never routes.
 * It also carries the agent's certificate requests and the answers ({@link Listener#certificateRequest}).
 */
public final class ControlLinkClient implements AutoCloseable {

    /** What the link does with what it receives. Called on the link's thread only. */
    public interface Listener {

        /**
         * Validates and applies a pushed snapshot.
         *
         * @return {@code null} when it is now in effect, else the reason it was rejected (sent as NACK)
         */
        String apply(String version, String yaml);

        /**
         * The REPORT to send now: one {@link dev.jmesh.control.protocol.SubsetSummary} line per
         * subset called since the last one (empty: nothing to say). Called when the server's
         * report interval is up.
         */
        default String report() {
            return "";
        }

        /** The link connected to {@code server} ({@code connected}), or lost it ({@code detail} says why). */
        default void linkChanged(boolean connected, String server, String detail) {}

        /**
         * The certificate request (PEM) to send now, or null: none is due. Asked once the server
         * welcomed the link, and at every wake of the link's thread after that.
         */
        default String certificateRequest() {
            return null;
        }

        /** The server's CERTIFICATES: an answer to a request, or a new trust bundle ({@code chain} 0). */
        default void certificates(boolean ok, int chain, String text) {}
    }

    private final LinkOptions options;
    private final Listener listener;
    private final Thread thread;
    private final Object writeLock = new Object();
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile String server;
    private volatile String version;
    private volatile Socket socket;
    private volatile OutputStream out;

    /** @param version the snapshot version already in effect (e.g. from the cache), "" for none */
    public ControlLinkClient(LinkOptions options, Listener listener, String version) {
        this.options = options;
        this.listener = listener;
        this.version = version == null ? "" : version;
        this.thread = new Thread(this::run, "jmesh-control-link");
        this.thread.setDaemon(true);
    }

    public ControlLinkClient start() {
        thread.start();
        return this;
    }

    public boolean connected() {
        return connected;
    }

    /** The replica the link is (or was last) connected to, or null. */
    public String server() {
        return server;
    }

    /** The version of the last snapshot applied (ACKed), "" for none. */
    public String version() {
        return version;
    }

    private void run() {
        int index = 0;
        int failures = 0;
        while (!closed) {
            String target = options.servers().get(index % options.servers().size());
            boolean wasConnected = false;
            String failure;
            try {
                wasConnected = session(target);
                failure = "closed by the server";
            } catch (ProtocolException e) {
                failure = "protocol error: " + e.getMessage();
            } catch (IOException | RuntimeException e) {
                failure = String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
            boolean dropped = connected;
            connected = false;
            closeSocket();
            if (closed) {
                return;
            }
            if (dropped) {
                String why = failure;
                safely(() -> listener.linkChanged(false, target, why));
                options.log().accept("control: lost link to " + target + " (" + failure
                        + "); reconnecting, the current policy stays");
                failures = 0;
            }
            if (!wasConnected && ++failures == options.servers().size()) {
                // Once per outage, when every server was tried once; not once per attempt.
                options.log().accept("control: no server answers " + options.servers() + " (last: " + target
                        + ": " + failure + "); retrying, the current policy stays");
            }
            index++;
            sleep(backoff(failures));
        }
    }

    private long backoff(int failures) {
        long base = options.backoffBase().toMillis();
        long bound = Math.min(options.backoffMax().toMillis(), base << Math.min(failures, 16));
        return ThreadLocalRandom.current().nextLong(Math.max(1, bound) + 1);
    }

    /** One connection; returns whether it got as far as WELCOME. */
    private boolean session(String target) throws IOException, ProtocolException {
        InetSocketAddress address = address(target);
        Socket s = new Socket();
        socket = s;
        if (closed) {
            throw new IOException("closed");
        }
        s.setTcpNoDelay(true);
        s.connect(address, (int) options.connectTimeout().toMillis());
        Socket linked = s;
        if (options.tls() != null) {
            SSLSocket tls = (SSLSocket) options.tls().get().createSocket(s, address.getHostString(), address.getPort(), true);
            socket = tls;
            tls.setSoTimeout((int) options.connectTimeout().toMillis());
            tls.startHandshake(); // the replica's certificate is checked here, before the token is sent
            linked = tls;
        } else if (!address.getAddress().isLoopbackAddress()) {
            throw new IOException("no plaintext link off this machine: set control.trustBundle for TLS to " + target);
        }
        linked.setSoTimeout((int) Math.min(options.pingInterval().toMillis(), options.connectTimeout().toMillis()));
        out = linked.getOutputStream();
        String token;
        try {
            token = options.token().get();
        } catch (RuntimeException e) {
            options.log().accept("control: cannot read the token: " + e.getMessage() + "; connecting without one");
            token = "";
        }
        send(new Message.Hello(options.workload(), token == null ? "" : token, version, options.inboundPort(),
                options.labels(), options.zone(), options.identity()));

        InputStream in = linked.getInputStream();
        FrameDecoder decoder = new FrameDecoder();
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        buffer.flip();
        long lastRead = System.nanoTime();
        long lastPing = 0;
        long reportNanos = 0;
        long lastReport = 0;
        boolean welcomed = false;
        while (!closed) {
            Message message = buffer.hasRemaining() ? decoder.next(buffer) : null;
            if (message == null) {
                buffer.clear();
                int n;
                try {
                    n = in.read(buffer.array(), 0, buffer.capacity());
                } catch (SocketTimeoutException e) {
                    n = 0;
                }
                buffer.limit(Math.max(n, 0));
                if (n < 0) {
                    return welcomed;
                }
                long now = System.nanoTime();
                if (welcomed && reportNanos > 0 && now - lastReport >= reportNanos) {
                    report();
                    lastReport = now;
                }
                if (welcomed) {
                    requestCertificate();
                }
                if (n > 0) {
                    lastRead = now;
                    continue;
                }
                long silent = now - lastRead;
                if (!welcomed && silent > options.connectTimeout().toNanos()) {
                    throw new IOException("no WELCOME within " + options.connectTimeout().toMillis() + " ms");
                }
                if (silent > options.deadAfter().toNanos()) {
                    throw new IOException("no message for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms");
                }
                if (welcomed && silent >= options.pingInterval().toNanos()
                        && now - lastPing >= options.pingInterval().toNanos()) {
                    send(new Message.Ping());
                    lastPing = now;
                }
                continue;
            }
            if (!welcomed) {
                if (message instanceof Message.Error error) {
                    throw new IOException("refused: " + error.reason());
                }
                if (!(message instanceof Message.Welcome welcome)) {
                    throw new ProtocolException("expected WELCOME, got " + message.getClass().getSimpleName());
                }
                welcomed = true;
                server = target;
                connected = true;
                reportNanos = TimeUnit.MILLISECONDS.toNanos(welcome.reportMillis());
                lastReport = System.nanoTime();
                // Woken at least once per report interval, to send it even when the server is quiet.
                linked.setSoTimeout((int) (reportNanos > 0 ? Math.min(options.pingInterval().toMillis(), welcome.reportMillis())
                        : options.pingInterval().toMillis()));
                options.log().accept("control: connected to " + target);
                safely(() -> listener.linkChanged(true, target, null));
                requestCertificate();
                continue;
            }
            if (message instanceof Message.Snapshot snapshot) {
                String error;
                try {
                    error = listener.apply(snapshot.version(), snapshot.yaml());
                } catch (RuntimeException | LinkageError e) {
                    error = "agent failed to apply the snapshot: " + e;
                }
                if (error == null) {
                    version = snapshot.version();
                    send(new Message.Ack(snapshot.version()));
                } else {
                    send(new Message.Nack(snapshot.version(), clip(error)));
                }
            } else if (message instanceof Message.Certificates certificates) {
                safely(() -> listener.certificates(certificates.ok(), certificates.chain(), certificates.text()));
            } else if (message instanceof Message.Ping) {
                send(new Message.Pong());
            } else if (message instanceof Message.Error error) {
                throw new IOException("server error: " + error.reason());
            } else if (!(message instanceof Message.Pong)) {
                throw new ProtocolException("unexpected " + message.getClass().getSimpleName() + " from the server");
            }
        }
        return welcomed;
    }

    /** Sends what the listener reports, if anything; a report the listener cannot make is skipped. */
    private void report() throws IOException {
        String summaries;
        try {
            summaries = listener.report();
        } catch (RuntimeException | LinkageError e) {
            options.log().accept("control: cannot make a report: " + e);
            return;
        }
        if (summaries != null && !summaries.isEmpty()) {
            send(new Message.Report(summaries));
        }
    }

    /** Sends the listener's certificate request, if one is due. */
    private void requestCertificate() throws IOException {
        String pem;
        try {
            pem = listener.certificateRequest();
        } catch (RuntimeException | LinkageError e) {
            options.log().accept("control: cannot make a certificate request: " + e);
            return;
        }
        if (pem != null) {
            send(new Message.Csr(pem));
        }
    }

    private static String clip(String error) {
        return error.length() > 64 * 1024 ? error.substring(0, 64 * 1024) + "..." : error;
    }

    private void send(Message message) throws IOException {
        byte[] frame = Frames.encode(message);
        synchronized (writeLock) {
            OutputStream o = out;
            if (o == null) {
                throw new IOException("not connected");
            }
            o.write(frame);
            o.flush();
        }
    }

    /**
     * Stops the link. When connected, says GOODBYE first (the server then deregisters this
     * workload's endpoint at once) and waits up to {@code 1 s} for the server to close.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Socket s = socket;
        if (connected && s != null) {
            try {
                send(new Message.Goodbye());
                s.shutdownOutput();
                thread.join(1000); // the reader sees the server's close
            } catch (IOException | InterruptedException | RuntimeException ignored) {
                // best effort: the server notices the closed link anyway
            }
        }
        closeSocket();
        thread.interrupt();
    }

    private void closeSocket() {
        Socket s = socket;
        out = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    private void safely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            options.log().accept("control: listener failed: " + e);
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** The server's address, resolved now (each connect resolves again). */
    static InetSocketAddress address(String server) throws IOException {
        InetSocketAddress written;
        try {
            written = HostPort.parse(server, false);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
        InetSocketAddress address = new InetSocketAddress(written.getHostString(), written.getPort());
        if (address.isUnresolved()) {
            throw new IOException("cannot resolve " + written.getHostString());
        }
        return address;
    }
}
