package dev.jmesh.control.server;

import dev.jmesh.control.ca.MeshCa;
import dev.jmesh.control.protocol.FrameDecoder;
import dev.jmesh.control.protocol.Frames;
import dev.jmesh.control.protocol.Message;
import dev.jmesh.control.protocol.ProtocolException;
import dev.jmesh.control.protocol.SubsetSummary;
import dev.jmesh.control.registry.RegisteredEndpoint;
import dev.jmesh.control.registry.Registry;
import dev.jmesh.control.rollout.Rollouts;
import dev.jmesh.policy.SpiffeId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;

/**
 * The server end of every agent link: one non-blocking selector thread for all of them. A new
 * snapshot is encoded once and handed to every link as a view of the same bytes; a link that
 * has not finished reading one snapshot gets only the latest next, never a backlog.
 */
final class LinkServer implements AutoCloseable {

    /** A client that is not reading is dropped once this much is queued for it. */
    private static final int MAX_QUEUED_BYTES = 4 * 1024 * 1024;
    private static final long HELLO_TIMEOUT_NANOS = Duration.ofSeconds(10).toNanos();

    private final ServerSocketChannel listener;
    private final Selector selector;
    private final Registry registry;
    private final byte[] token;
    private final long pingNanos;
    private final long deadNanos;
    private final String serverName;
    private final Consumer<String> log;
    private final long reportMillis;
    private final Consumer<List<SubsetSummary>> reports;
    private final Function<String, Rollouts.Answer> commands;
    private final MeshCa ca;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final Thread thread;
    /** Operators' answers, made off the selector, for it to send. */
    private final ConcurrentLinkedQueue<Answered> answers = new ConcurrentLinkedQueue<>();
    private volatile Published published;
    private volatile boolean publishPending;
    private volatile boolean closed;
    final AtomicLong acks = new AtomicLong();
    final AtomicLong nacks = new AtomicLong();

    private record Answered(Link link, byte[] frame) {}

    /** A snapshot with its frame, encoded once. */
    private record Published(String version, byte[] frame) {}

    /**
     * @param token    the bearer token agents and operators must present, or null for none
     * @param report   how often agents send a REPORT
     * @param reports  where the agents' reports go
     * @param commands what answers an operator's COMMAND
     * @param ca       what signs agents' certificate requests, or null: this replica is no CA
     */
    LinkServer(InetSocketAddress listen, Registry registry, String token, Duration ping, Duration deadAfter,
               Duration report, Consumer<List<SubsetSummary>> reports, Function<String, Rollouts.Answer> commands,
               MeshCa ca, Consumer<String> log) throws IOException {
        if (ca == null && !listen.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("a plaintext link listens on loopback only, not " + listen
                    + ": give --ca DIR (and --identity-tokens DIR) for a TLS link");
        }
        this.ca = ca;
        this.registry = registry;
        this.reportMillis = report.toMillis();
        this.reports = reports;
        this.commands = commands;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.pingNanos = ping.toNanos();
        this.deadNanos = deadAfter.toNanos();
        this.log = log;
        this.selector = Selector.open();
        this.listener = ServerSocketChannel.open();
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(listen, 4096);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
        InetSocketAddress bound = (InetSocketAddress) listener.getLocalAddress();
        this.serverName = bound.getAddress().getHostAddress() + ":" + bound.getPort();
        this.thread = new Thread(this::run, "jmesh-control-links");
    }

    int port() {
        return ((InetSocketAddress) listener.socket().getLocalSocketAddress()).getPort();
    }

    String name() {
        return serverName;
    }

    void start() {
        thread.start();
    }

    /** Makes {@code version} the snapshot every link is brought to; safe from any thread. */
    void publish(String version, String yaml) {
        byte[] frame = Frames.encode(new Message.Snapshot(version, yaml));
        published = new Published(version, frame);
        publishPending = true;
        selector.wakeup();
    }

    int linkCount() {
        return links.size();
    }

    // ---- the selector thread ----------------------------------------------------------------

    private final class Link {
        final SocketChannel channel;
        final LinkIo io;
        final SelectionKey key;
        final String peer;
        final FrameDecoder decoder = new FrameDecoder();
        final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
        final long opened = System.nanoTime();
        ByteBuffer snapshotInFlight;
        Published snapshotNext;
        int queuedBytes;
        long lastRead = opened;
        long lastWrite = opened;
        String workload;
        String endpoint;
        String sent = "";
        Registry.Registration registration;
        /** The identity the link's token entitles to a certificate for, or null. */
        SpiffeId entitled;
        /** Holds a certificate from this replica: told when the trust bundle changes. */
        boolean certified;
        boolean closeAfterFlush;
        boolean badReport;

        Link(SocketChannel channel, LinkIo io, SelectionKey key, String peer) {
            this.channel = channel;
            this.io = io;
            this.key = key;
            this.peer = peer;
        }

        String who() {
            return (workload == null ? "?" : workload) + "@" + peer;
        }
    }

    private void run() {
        long lastSweep = System.nanoTime();
        while (!closed) {
            try {
                selector.select(250);
                if (closed) {
                    break;
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                        continue;
                    }
                    Link link = (Link) key.attachment();
                    try {
                        if (key.isReadable()) {
                            read(link);
                        }
                        if (key.isValid() && key.isWritable()) {
                            flush(link);
                        }
                    } catch (IOException e) {
                        drop(link, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                    }
                }
                for (Answered a; (a = answers.poll()) != null; ) {
                    if (links.contains(a.link())) {
                        try {
                            enqueue(a.link(), a.frame());
                        } catch (IOException e) {
                            drop(a.link(), null);
                        }
                    }
                }
                if (publishPending) {
                    publishPending = false;
                    Published p = published;
                    for (Link link : new ArrayList<>(links)) {
                        if (link.workload != null && !link.closeAfterFlush) {
                            offerSnapshot(link, p);
                        }
                    }
                }
                long now = System.nanoTime();
                if (now - lastSweep >= 250_000_000L) {
                    lastSweep = now;
                    sweep(now);
                }
            } catch (IOException | RuntimeException e) {
                log.accept("link server: " + e);
            }
        }
        for (Link link : new ArrayList<>(links)) {
            drop(link, null);
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = listener.accept()) != null) {
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
                SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
                String host = remote.getAddress().getHostAddress();
                Link link = new Link(channel, io(channel), key,
                        (host.contains(":") ? "[" + host + "]" : host) + ":" + remote.getPort());
                key.attach(link);
                links.add(link);
            } catch (IOException e) {
                channel.close(); // gone before it was set up: nothing to drop
            }
        }
    }

    /** TLS when this replica is the CA (its certificate is the CA's), else the channel as it is (loopback only). */
    private LinkIo io(SocketChannel channel) throws IOException {
        if (ca == null) {
            return LinkIo.plain(channel);
        }
        SSLEngine engine = ca.serverContext().createSSLEngine();
        engine.setUseClientMode(false);
        engine.setWantClientAuth(true); // an agent with a certificate proves it; one still without shows its token
        engine.setEnabledProtocols(new String[] {"TLSv1.3"});
        engine.beginHandshake();
        return new TlsLinkIo(channel, engine);
    }

    private void read(Link link) throws IOException {
        readBuffer.clear();
        int n = link.io.read(readBuffer);
        if (n < 0) {
            drop(link, link.registration == null ? null : "link closed by the agent, " + link.endpoint + " deregistered");
            return;
        }
        link.lastRead = System.nanoTime();
        if (link.io.pendingOutput()) {
            link.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE); // handshake messages to finish
        }
        readBuffer.flip();
        try {
            Message message;
            while (!link.closeAfterFlush && (message = link.decoder.next(readBuffer)) != null) {
                handle(link, message);
            }
        } catch (ProtocolException e) {
            refuse(link, "protocol error: " + e.getMessage());
        }
    }

    private void handle(Link link, Message message) throws IOException {
        if (link.workload == null) {
            if (message instanceof Message.Command command) {
                answer(link, command);
                return;
            }
            if (!(message instanceof Message.Hello hello)) {
                refuse(link, "protocol error: the first message must be HELLO");
                return;
            }
            // A workload's own token (--identity-tokens) lets its agent in too, and entitles it to its certificate.
            link.entitled = ca == null ? null : entitled(link, hello.token());
            if (token != null && link.entitled == null
                    && !MessageDigest.isEqual(token, hello.token().getBytes(StandardCharsets.UTF_8))) {
                log.accept("refused " + link.peer + " (" + hello.workload() + "): "
                        + (hello.token().isEmpty() ? "no token" : "wrong token"));
                refuse(link, "unauthorized: " + (hello.token().isEmpty() ? "this server requires a token (control.tokenFile)"
                        : "wrong token"));
                return;
            }
            link.workload = hello.workload();
            link.sent = hello.version();
            if (hello.inboundPort() > 0) {
                String host = link.peer.substring(0, link.peer.lastIndexOf(':'));
                link.endpoint = host + ":" + hello.inboundPort();
                link.registration = registry.register(hello.workload(),
                        new RegisteredEndpoint(link.endpoint, hello.labels(), hello.zone(), hello.identity()));
                log.accept("registered " + hello.workload() + " " + link.endpoint
                        + (hello.labels().isEmpty() ? "" : " " + hello.labels())
                        + (hello.zone().isEmpty() ? "" : " zone " + hello.zone()));
            }
            Published p = published;
            enqueue(link, Frames.encode(new Message.Welcome(serverName, p == null ? "" : p.version(), reportMillis)));
            if (p != null) {
                offerSnapshot(link, p);
            }
            return;
        }
        if (message instanceof Message.Report report) {
            try {
                reports.accept(SubsetSummary.parseAll(report.summaries()));
            } catch (ProtocolException e) {
                if (!link.badReport) { // once per link: the link and its snapshots are fine
                    log.accept("REPORT from " + link.who() + " refused: " + e.getMessage());
                    link.badReport = true;
                }
            }
        } else if (message instanceof Message.Ack ack) {
            acks.incrementAndGet();
        } else if (message instanceof Message.Nack nack) {
            nacks.incrementAndGet();
            log.accept("NACK from " + link.who() + " for snapshot " + nack.version() + ": "
                    + nack.error().replace("\n", " | "));
        } else if (message instanceof Message.Csr csr) {
            MeshCa.Issued issued = ca == null ? new MeshCa.Issued(false, 0, "this replica is no CA (it has no --ca)")
                    : ca.issue(link.entitled, csr.pem(), link.who());
            link.certified |= issued.ok();
            enqueue(link, Frames.encode(new Message.Certificates(issued.ok(), issued.chain(), issued.text())));
        } else if (message instanceof Message.Ping) {
            enqueue(link, Frames.encode(new Message.Pong()));
        } else if (message instanceof Message.Goodbye) {
            drop(link, link.registration == null ? null : "GOODBYE, " + link.endpoint + " deregistered");
        } else if (!(message instanceof Message.Pong)) {
            refuse(link, "protocol error: unexpected " + message.getClass().getSimpleName());
        }
    }

    /**
     * The identity a link may have a certificate for: the one its token entitles to, or the one
     * its client certificate proves (an agent renewing with the certificate it holds).
     */
    private SpiffeId entitled(Link link, String token) {
        SpiffeId byToken = ca.entitled(token);
        if (byToken != null) {
            return byToken;
        }
        String proven = link.io.peerIdentity();
        return proven == null ? null : SpiffeId.parse(proven);
    }

    /**
     * An operator's command, answered on this connection, which then closes. It runs off the
     * selector (a command may wait for the store), and the answer is handed back through it.
     */
    private void answer(Link link, Message.Command command) throws IOException {
        if (token != null && !MessageDigest.isEqual(token, command.token().getBytes(StandardCharsets.UTF_8))) {
            log.accept("refused a command from " + link.peer + ": " + (command.token().isEmpty() ? "no token" : "wrong token"));
            refuse(link, "unauthorized: " + (command.token().isEmpty() ? "this server requires a token (--token-file)"
                    : "wrong token"));
            return;
        }
        link.workload = "operator";
        link.closeAfterFlush = true;
        link.lastRead = Long.MAX_VALUE / 2; // not dropped as silent while the command runs
        Thread worker = new Thread(() -> {
            Rollouts.Answer answer;
            try {
                answer = commands.apply(command.command());
            } catch (RuntimeException e) {
                answer = new Rollouts.Answer(false, "failed: " + e + "\n");
            }
            byte[] frame = Frames.encode(new Message.Reply(answer.ok(), answer.text()));
            answers.add(new Answered(link, frame));
            selector.wakeup();
        }, "jmesh-control-command");
        worker.setDaemon(true);
        worker.start();
    }

    private void offerSnapshot(Link link, Published p) throws IOException {
        if (p.version().equals(link.sent)) {
            return; // it has it (said so in HELLO, or was sent it)
        }
        link.sent = p.version();
        link.snapshotNext = p;
        flush(link);
    }

    private void refuse(Link link, String reason) throws IOException {
        enqueue(link, Frames.encode(new Message.Error(reason)));
        link.closeAfterFlush = true;
        flush(link);
    }

    private void enqueue(Link link, byte[] frame) throws IOException {
        link.queue.add(ByteBuffer.wrap(frame));
        link.queuedBytes += frame.length;
        if (link.queuedBytes > MAX_QUEUED_BYTES) {
            throw new IOException("agent not reading (" + link.queuedBytes + " bytes queued)");
        }
        flush(link);
    }

    private void flush(Link link) throws IOException {
        if (!link.key.isValid()) {
            return;
        }
        if (!link.io.flushPending()) {
            link.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            return;
        }
        while (true) {
            ByteBuffer head = link.queue.peek();
            if (head == null) {
                if (link.snapshotInFlight == null && link.snapshotNext != null) {
                    link.snapshotInFlight = ByteBuffer.wrap(link.snapshotNext.frame());
                    link.snapshotNext = null;
                }
                head = link.snapshotInFlight;
            }
            if (head == null) {
                break;
            }
            int before = head.remaining();
            link.io.write(head);
            if (head.remaining() < before) {
                link.lastWrite = System.nanoTime();
            }
            if (head.hasRemaining() || link.io.pendingOutput()) {
                link.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                if (head.hasRemaining()) {
                    return;
                }
            }
            if (head == link.snapshotInFlight) {
                link.snapshotInFlight = null;
            } else {
                link.queue.poll();
                link.queuedBytes -= head.capacity();
            }
        }
        if (link.io.pendingOutput()) {
            return; // the selector calls back when the channel takes the rest
        }
        if (link.closeAfterFlush) {
            drop(link, null);
            return;
        }
        link.key.interestOps(SelectionKey.OP_READ);
    }

    private void sweep(long now) {
        // a rotation's new roots reach every agent before any leaf they signed can
        byte[] bundle = ca != null && ca.refresh()
                ? Frames.encode(new Message.Certificates(true, 0, ca.bundlePem())) : null;
        for (Link link : new ArrayList<>(links)) {
            if (bundle != null && link.certified) {
                try {
                    enqueue(link, bundle);
                } catch (IOException e) {
                    drop(link, e.getMessage());
                    continue;
                }
            }
            try {
                if (link.workload == null && now - link.opened > HELLO_TIMEOUT_NANOS) {
                    drop(link, null);
                } else if (now - link.lastRead > deadNanos) {
                    drop(link, "no message for " + (now - link.lastRead) / 1_000_000 + " ms");
                } else if (link.workload != null && !link.closeAfterFlush && now - link.lastWrite > pingNanos && link.queue.isEmpty()) {
                    enqueue(link, Frames.encode(new Message.Ping()));
                }
            } catch (IOException e) {
                drop(link, e.getMessage());
            }
        }
    }

    private void drop(Link link, String why) {
        if (!links.remove(link)) {
            return;
        }
        link.key.cancel();
        try {
            link.channel.close();
        } catch (IOException ignored) {
            // closed anyway
        }
        if (link.registration != null) {
            link.registration.close();
        }
        if (why != null) {
            log.accept("link " + link.who() + " closed: " + why);
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(2000);
            listener.close();
            selector.close();
        } catch (IOException | InterruptedException ignored) {
            // best effort
        }
    }
}
