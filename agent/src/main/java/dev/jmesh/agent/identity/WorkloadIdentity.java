package dev.jmesh.agent.identity;

import dev.jmesh.agent.AgentLog;
import dev.jmesh.pki.IdentityException;
import dev.jmesh.pki.IdentityFiles;
import dev.jmesh.pki.Pem;
import dev.jmesh.policy.SpiffeId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * This workload's identity, kept current: one immutable {@link IdentityMaterial} snapshot
 * behind a volatile field, replaced when the files change and the new files are all usable —
 * they parse, the key belongs to the certificate, and the certificate is valid now and chains to
 * the new bundle. A half-written, mismatched or unusable rotation never replaces good material:
 * the last good snapshot stays, and one line says why the new files were refused.
 *
 * <p>Handshakes read the snapshot through {@link #keyManager()} and the trust managers of
 * {@link SpiffeTrustManager}, so SSLContexts built once keep working across rotations and new
 * handshakes present the new certificate.
 */
public final class WorkloadIdentity implements AutoCloseable {

    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

    /** The current snapshot and the one before: a handshake that chose the old alias still finds its key. */
    record State(long generation, IdentityMaterial current, IdentityMaterial previous) {}

    private final IdentityFiles files;
    private final ScheduledExecutorService poller;
    private final RotatingKeyManager keyManager = new RotatingKeyManager(this);
    private final List<Runnable> rotationListeners = new CopyOnWriteArrayList<>();
    private volatile State state;
    /** Digest of the file contents last tried, good or bad: unchanged files are not parsed again. */
    private byte[] lastSeen;
    /** The last refusal logged: a bad state is reported once, not every poll. */
    private String lastRefusal;

    private WorkloadIdentity(IdentityFiles files, IdentityMaterial initial, byte[] digest) {
        this.files = files;
        this.state = new State(1, initial, null);
        this.lastSeen = digest;
        this.poller = files == null ? null : Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "jmesh-identity");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Reads the files now (fails if they are not usable: there is no last good material yet)
     * and re-reads them every {@code pollInterval} on a daemon thread until {@link #close()}.
     */
    public static WorkloadIdentity watch(IdentityFiles files, Duration pollInterval) throws IdentityException {
        Contents contents = Contents.read(files);
        IdentityMaterial initial = IdentityMaterial.parse(files, contents.certificate, contents.key, contents.bundle);
        String problem = ownChainProblem(initial);
        if (problem != null) {
            // Nothing better to fall back on at start: handshakes will say the same to peers.
            AgentLog.line("identity: warning: " + files.certificate() + ": " + problem);
        }
        WorkloadIdentity identity = new WorkloadIdentity(files, initial, contents.digest());
        long millis = Math.max(1, pollInterval.toMillis());
        identity.poller.scheduleWithFixedDelay(identity::pollQuietly, millis, millis, TimeUnit.MILLISECONDS);
        return identity;
    }

    /** {@link #watch(IdentityFiles, Duration)} polling every second. */
    public static WorkloadIdentity watch(IdentityFiles files) throws IdentityException {
        return watch(files, DEFAULT_POLL_INTERVAL);
    }

    /** Material that never changes (tests, benchmarks, material held in memory). */
    public static WorkloadIdentity fixed(IdentityMaterial material) {
        return new WorkloadIdentity(null, material, null);
    }

    /**
     * An identity the control plane is to issue: until {@link #offer} brings its first
     * certificate, handshakes fail (nothing to present, nothing to verify peers against).
     */
    public static WorkloadIdentity pending() {
        return new WorkloadIdentity(null, null, null);
    }

    /** The material in use now; null while an issued identity waits for its first certificate. */
    public IdentityMaterial current() {
        return state.current();
    }

    /** This workload's SPIFFE ID, from the current certificate (null while none is issued). */
    public SpiffeId spiffeId() {
        IdentityMaterial current = state.current();
        return current == null ? null : current.spiffeId();
    }

    /** Always presents the current certificate; one instance for every SSLContext. */
    public X509ExtendedKeyManager keyManager() {
        return keyManager;
    }

    /** Runs {@code listener} on the polling thread after each rotation; its exceptions are logged and dropped. */
    public void onRotation(Runnable listener) {
        rotationListeners.add(listener);
    }

    State state() {
        return state;
    }

    /**
     * Re-reads the files now if their contents changed. True when new material was taken;
     * false when nothing changed or the new files were refused (the old material stays).
     */
    public synchronized boolean reload() {
        if (files == null) {
            return false;
        }
        Contents contents;
        try {
            contents = Contents.read(files);
        } catch (IdentityException e) {
            return refuse(e); // e.g. a file missing for a moment while it is replaced
        }
        byte[] digest = contents.digest();
        if (Arrays.equals(digest, lastSeen)) {
            return false;
        }
        lastSeen = digest;
        try {
            take(IdentityMaterial.parse(files, contents.certificate, contents.key, contents.bundle), files.certificate());
            return true;
        } catch (IdentityException e) {
            return refuse(e);
        }
    }

    /**
     * Material issued over the control link: taken under the same checks as files (the key is
     * the certificate's, it is valid now, it chains to its bundle), else refused and logged.
     */
    public synchronized boolean offer(IdentityMaterial next) {
        try {
            take(next, "issued certificate");
            return true;
        } catch (IdentityException e) {
            return refuse(e);
        }
    }

    /** The material in use with a new trust bundle (the CA's roots changed); refused if its own chain would not verify. */
    public synchronized boolean offerBundle(List<X509Certificate> bundle) {
        IdentityMaterial current = state.current();
        if (current == null) {
            return false; // the first certificate brings its bundle
        }
        try {
            take(IdentityMaterial.of(current.chain(), current.key(), bundle), "new trust bundle");
            return true;
        } catch (IdentityException e) {
            return refuse(e);
        }
    }

    /** Takes {@code next} if peers would accept its own chain; tells the listeners. */
    private void take(IdentityMaterial next, Object source) throws IdentityException {
        String problem = ownChainProblem(next);
        if (problem != null) {
            // Taking it would fail every handshake; the material in use may still be good.
            throw new IdentityException(source + ": " + problem);
        }
        lastRefusal = null;
        State old = state;
        state = new State(old.generation() + 1, next, old.current());
        AgentLog.line("identity: now " + next.spiffeId() + ", certificate serial "
                + next.certificate().getSerialNumber().toString(16) + ", valid until "
                + next.certificate().getNotAfter().toInstant() + ", " + next.trustBundle().size() + " root(s)");
        for (Runnable listener : rotationListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                AgentLog.line("identity: a rotation listener failed: " + e);
            }
        }
    }

    private boolean refuse(IdentityException e) {
        if (!e.getMessage().equals(lastRefusal)) {
            lastRefusal = e.getMessage();
            AgentLog.line("identity: keeping " + (current() == null ? "none" : current().spiffeId()) + "; refused: "
                    + e.getMessage());
        }
        return false;
    }

    /** Why peers would refuse this material's own certificate, or null: expired, or not from the bundle's CA. */
    private static String ownChainProblem(IdentityMaterial material) {
        try {
            SpiffeTrustManager.checkChain(material.chain().toArray(new X509Certificate[0]), material,
                    "workload's own", material.spiffeId().toString());
            return null;
        } catch (CertificateException e) {
            return e.getMessage().replaceFirst("^jmesh: ", "");
        }
    }

    private void pollQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            // Never let the poller die: the next poll tries again with the old material in place.
            AgentLog.line("identity: re-reading the files failed: " + e);
        }
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    /** The three files' bytes, read once so that what is checked is exactly what is parsed. */
    private record Contents(byte[] certificate, byte[] key, byte[] bundle) {

        static Contents read(IdentityFiles files) throws IdentityException {
            return new Contents(Pem.read(files.certificate()), Pem.read(files.key()), Pem.read(files.trustBundle()));
        }

        byte[] digest() {
            try {
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                for (byte[] part : new byte[][] {certificate, key, bundle}) {
                    sha256.update(Integer.toString(part.length).getBytes(StandardCharsets.US_ASCII));
                    sha256.update(part);
                }
                return sha256.digest();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
