package dev.jmesh.control.ca;

import dev.jmesh.pki.CertificateAuthority;
import dev.jmesh.pki.CertificateBuilder;
import dev.jmesh.pki.CertificateRequest;
import dev.jmesh.pki.IdentityException;
import dev.jmesh.pki.Pem;
import dev.jmesh.policy.SpiffeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The control plane as the mesh's CA. {@code --ca DIR} holds the signing CA ({@code ca.pem},
 * {@code ca-key.pem}, as {@code ca init} writes them) and, optionally, {@code roots.pem}: other
 * roots agents must trust too, the next CA before it signs, the previous one until every leaf it
 * signed has been renewed. Replicas given the same directory sign alike. The directory is
 * looked at again every second; a change that does not load leaves the CA as it was.
 *
 * <p>A request is signed only for the identity the link's token entitles to: a request for any
 * other is refused and logged.
 */
public final class MeshCa {

    public static final String ROOTS_FILE = "roots.pem";
    /** Istio's workload certificate lifetime. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(24);
    /** Leaves start a little in the past: peers' clocks are not exactly ours. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final Path directory;
    private final WorkloadTokens tokens;
    private final Duration lifetime;
    private final Consumer<String> log;
    private volatile State state;
    /** This replica's TLS for the link: its certificate from the CA, agents' certificates checked against the bundle. */
    private volatile SSLContext serverContext;
    private long serverRenewAtMillis;
    private String lastSeen;
    private String lastProblem;

    /** The signing CA and the bundle agents are given. @param bundlePem the bundle, as sent */
    private record State(CertificateAuthority ca, List<X509Certificate> bundle, String bundlePem) {}

    /** What a request got: the new chain and the bundle, or why not. */
    public record Issued(boolean ok, int chain, String text) {}

    private MeshCa(Path directory, WorkloadTokens tokens, Duration lifetime, Consumer<String> log, State state) {
        this.directory = directory;
        this.tokens = tokens;
        this.lifetime = lifetime;
        this.log = log;
        this.state = state;
        this.lastSeen = fingerprint(directory);
        renewServerCertificate();
    }

    /**
     * @param tokens the bootstrap credentials' directory ({@link WorkloadTokens})
     * @throws IdentityException when the CA does not load: the replica does not start half a CA
     */
    public static MeshCa open(Path directory, Path tokens, Duration lifetime, Consumer<String> log)
            throws IdentityException {
        State state = load(directory);
        return new MeshCa(directory, new WorkloadTokens(tokens, state.ca().trustDomain(), log), lifetime, log, state);
    }

    public String trustDomain() {
        return state.ca().trustDomain();
    }

    /** The trust bundle as PEM: what {@code Certificates} with no chain carries. */
    public String bundlePem() {
        return state.bundlePem();
    }

    /** The SPIFFE ID replicas prove on the link. */
    public SpiffeId controlPlaneId() {
        return CertificateAuthority.controlPlaneId(trustDomain());
    }

    /** The link's server TLS as it is now (re-made when the CA or this replica's certificate changes). */
    public SSLContext serverContext() {
        return serverContext;
    }

    /** The identity a link's token entitles to, or null. */
    public SpiffeId entitled(String token) {
        return tokens.identityFor(token);
    }

    /**
     * Signs {@code csrPem} if it asks for {@code entitled}.
     *
     * @param who the link, for the log
     */
    public Issued issue(SpiffeId entitled, String csrPem, String who) {
        if (entitled == null) {
            log.accept("certificate request from " + who + " refused: its token is no workload's (--identity-tokens)");
            return new Issued(false, 0, "this link's token entitles to no identity");
        }
        CertificateRequest request;
        try {
            request = CertificateRequest.parse(csrPem);
        } catch (IdentityException e) {
            log.accept("certificate request from " + who + " refused: " + e.getMessage());
            return new Issued(false, 0, e.getMessage());
        }
        if (!request.identity().equals(entitled)) {
            log.accept("certificate request from " + who + " refused: it asks for " + request.identity()
                    + ", its token is for " + entitled);
            return new Issued(false, 0, "the token is for " + entitled + ", not " + request.identity());
        }
        State current = state;
        Instant now = Instant.now();
        X509Certificate leaf = current.ca().sign(entitled, request.publicKey(), now.minus(CLOCK_SKEW), now.plus(lifetime));
        log.accept("issued " + entitled + " to " + who + ", serial " + leaf.getSerialNumber().toString(16)
                + ", valid until " + leaf.getNotAfter().toInstant());
        return new Issued(true, 2, Pem.encodeCertificates(List.of(leaf, current.ca().certificate())) + current.bundlePem());
    }

    /**
     * Looks at the directory again, and renews this replica's own certificate at half-life;
     * true when the trust bundle changed (agents are to be told).
     */
    public synchronized boolean refresh() {
        if (System.currentTimeMillis() >= serverRenewAtMillis) {
            renewServerCertificate();
        }
        String seen = fingerprint(directory);
        if (seen.equals(lastSeen)) {
            return false;
        }
        lastSeen = seen;
        try {
            State next = load(directory);
            if (!next.ca().trustDomain().equals(trustDomain())) {
                throw new IdentityException("the new CA is for trust domain " + next.ca().trustDomain() + ", not "
                        + trustDomain());
            }
            boolean bundleChanged = !next.bundlePem().equals(state.bundlePem());
            state = next;
            lastProblem = null;
            renewServerCertificate();
            log.accept("CA " + directory + " re-read: signing with serial "
                    + next.ca().certificate().getSerialNumber().toString(16) + ", " + next.bundle().size() + " root(s)");
            return bundleChanged;
        } catch (IdentityException e) {
            if (!e.getMessage().equals(lastProblem)) {
                lastProblem = e.getMessage();
                log.accept("CA " + directory + " refused, the CA stays as it was: " + e.getMessage());
            }
            return false;
        }
    }

    /** A new key and certificate for this replica, and the context that serves them. */
    private void renewServerCertificate() {
        State current = state;
        KeyPair keys = CertificateBuilder.newKeyPair();
        Instant now = Instant.now();
        X509Certificate leaf = current.ca().sign(controlPlaneId(), keys.getPublic(), now.minus(CLOCK_SKEW), now.plus(lifetime));
        try {
            KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            own.setKeyEntry("replica", keys.getPrivate(), new char[0], new Certificate[] {leaf, current.ca().certificate()});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(own, new char[0]);
            KeyStore roots = KeyStore.getInstance("PKCS12");
            roots.load(null, null);
            for (int i = 0; i < current.bundle().size(); i++) {
                roots.setCertificateEntry("root-" + i, current.bundle().get(i));
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
            trustManagers.init(roots);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            serverContext = context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make the link's TLS context: " + e.getMessage(), e);
        }
        serverRenewAtMillis = System.currentTimeMillis() + lifetime.toMillis() / 2;
    }

    private static State load(Path directory) throws IdentityException {
        CertificateAuthority ca = CertificateAuthority.load(directory);
        LinkedHashSet<X509Certificate> bundle = new LinkedHashSet<>();
        bundle.add(ca.certificate());
        Path roots = directory.resolve(ROOTS_FILE);
        if (Files.exists(roots)) {
            bundle.addAll(Pem.readCertificates(roots));
        }
        List<X509Certificate> ordered = new ArrayList<>(bundle);
        return new State(ca, List.copyOf(ordered), Pem.encodeCertificates(ordered));
    }

    /** Modification times and sizes of the CA's files: what says they may have changed. */
    private static String fingerprint(Path directory) {
        StringBuilder seen = new StringBuilder();
        for (String name : new String[] {CertificateAuthority.CERTIFICATE_FILE, CertificateAuthority.KEY_FILE, ROOTS_FILE}) {
            Path file = directory.resolve(name);
            try {
                seen.append(Files.getLastModifiedTime(file)).append('/').append(Files.size(file)).append(';');
            } catch (IOException e) {
                seen.append("none;");
            }
        }
        return seen.toString();
    }
}
