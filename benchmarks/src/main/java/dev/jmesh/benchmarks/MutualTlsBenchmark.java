package dev.jmesh.benchmarks;

import dev.jmesh.agent.identity.IdentityMaterial;
import dev.jmesh.agent.identity.WorkloadIdentity;
import dev.jmesh.agent.identity.tls.MeshTls;
import dev.jmesh.agent.identity.tls.TlsProvider;
import dev.jmesh.pki.CertificateAuthority;
import dev.jmesh.pki.IdentityException;
import dev.jmesh.policy.SpiffeId;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Mesh mTLS cost, SSLEngine to SSLEngine in memory (no sockets, no kernel): full mutual
 * handshakes per second (no resumption; both chains verified by SPIFFE ID) and bulk
 * throughput in 16 KiB writes (the client wraps 16 KiB, the server unwraps it, per op), with
 * certificates from the mesh's own CA, for the JDK's TLS and Conscrypt.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar MutualTls</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// Conscrypt reads a private InetAddress field; the agent opens java.net to it, here the flag does.
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.net=ALL-UNNAMED")
@State(Scope.Benchmark)
public class MutualTlsBenchmark {

    static final int RECORD = 16 * 1024;
    private static final int NET_BUFFER = 64 * 1024;

    @Param({"JDK", "Conscrypt"})
    public String provider;

    SSLContext client;
    SSLContext server;

    @Setup(Level.Trial)
    public void setUp() throws IdentityException, GeneralSecurityException {
        TlsProvider tls = provider.equals("JDK") ? TlsProvider.jdk()
                : TlsProvider.conscrypt(MutualTlsBenchmark.class.getClassLoader(), null)
                        .orElseThrow(() -> new IllegalStateException("Conscrypt does not load here"));
        CertificateAuthority ca = CertificateAuthority.create("example.org", Duration.ofDays(1));
        WorkloadIdentity frontend = WorkloadIdentity.fixed(IdentityMaterial.of(ca.issue("default", "frontend", Duration.ofHours(1))));
        WorkloadIdentity orders = WorkloadIdentity.fixed(IdentityMaterial.of(ca.issue("default", "orders", Duration.ofHours(1))));
        client = new MeshTls(frontend, tls).clientContext(SpiffeId.workload("example.org", "default", "orders"));
        server = new MeshTls(orders, tls).serverContext(Set.of(SpiffeId.workload("example.org", "default", "frontend")));
    }

    /** One full mutual handshake; engines made without a peer host, so no session is resumed. */
    @Benchmark
    public Object handshake() throws SSLException {
        EnginePair pair = new EnginePair(client, server);
        pair.handshake();
        return pair;
    }

    /** An established connection per thread: each op moves one 16 KiB write from client to server. */
    @State(Scope.Thread)
    public static class Connection {
        EnginePair pair;
        final ByteBuffer payload = ByteBuffer.allocate(RECORD);

        @Setup(Level.Trial)
        public void open(MutualTlsBenchmark benchmark) throws SSLException {
            pair = new EnginePair(benchmark.client, benchmark.server);
            pair.handshake();
            pair.exchangeOneByteEachWay(); // consumes post-handshake messages such as session tickets
            if (pair.send(payload) != RECORD) {
                throw new SSLException("a 16 KiB write did not arrive whole");
            }
        }
    }

    @Benchmark
    public int bulk16k(Connection connection) throws SSLException {
        connection.payload.clear();
        return connection.pair.send(connection.payload);
    }

    /** A client and a server engine joined by two in-memory buffers (kept in write mode). */
    static final class EnginePair {
        private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
        private static final int MAX_ROUNDS = 1_000;

        final SSLEngine client;
        final SSLEngine server;
        private final ByteBuffer toServer = ByteBuffer.allocate(NET_BUFFER);
        private final ByteBuffer toClient = ByteBuffer.allocate(NET_BUFFER);
        private final ByteBuffer application = ByteBuffer.allocate(NET_BUFFER);

        EnginePair(SSLContext clientContext, SSLContext serverContext) {
            client = clientContext.createSSLEngine();
            client.setUseClientMode(true);
            server = serverContext.createSSLEngine();
            server.setUseClientMode(false);
        }

        void handshake() throws SSLException {
            client.beginHandshake();
            server.beginHandshake();
            for (int round = 0; round < MAX_ROUNDS; round++) {
                boolean progress = step(client, toServer, toClient) | step(server, toClient, toServer);
                if (idle(client) && idle(server)) {
                    return;
                }
                if (!progress) {
                    throw new SSLException("handshake stalled: client " + client.getHandshakeStatus()
                            + ", server " + server.getHandshakeStatus());
                }
            }
            throw new SSLException("handshake did not finish in " + MAX_ROUNDS + " rounds");
        }

        /**
         * Client wraps the whole payload, server unwraps it; returns the bytes that arrived.
         * The JDK fills a record with at most 16,367 bytes here, so 16 KiB takes it two records.
         */
        int send(ByteBuffer payload) throws SSLException {
            while (payload.hasRemaining()) {
                client.wrap(payload, toServer);
            }
            return unwrapAll(server, toServer);
        }

        void exchangeOneByteEachWay() throws SSLException {
            client.wrap(ByteBuffer.wrap(new byte[] {1}), toServer);
            unwrapAll(server, toServer);
            server.wrap(ByteBuffer.wrap(new byte[] {2}), toClient);
            unwrapAll(client, toClient);
        }

        private int unwrapAll(SSLEngine engine, ByteBuffer in) throws SSLException {
            int received = 0;
            in.flip();
            while (in.hasRemaining()) {
                application.clear();
                SSLEngineResult result = engine.unwrap(in, application);
                received += result.bytesProduced();
                if (result.bytesConsumed() == 0) {
                    break;
                }
            }
            in.compact();
            return received;
        }

        private static boolean idle(SSLEngine engine) {
            HandshakeStatus status = engine.getHandshakeStatus();
            return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
        }

        /** One handshake step of {@code engine}: writes to {@code out}, reads from {@code in}. */
        private boolean step(SSLEngine engine, ByteBuffer out, ByteBuffer in) throws SSLException {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP:
                    return engine.wrap(EMPTY, out).bytesProduced() > 0 || !idle(engine);
                case NEED_UNWRAP:
                case NEED_UNWRAP_AGAIN:
                    in.flip();
                    application.clear();
                    SSLEngineResult result = engine.unwrap(in, application);
                    in.compact();
                    return result.bytesConsumed() > 0 || result.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP;
                case NEED_TASK:
                    for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                        task.run();
                    }
                    return true;
                default:
                    return false;
            }
        }
    }
}
