package dev.jmesh.agent.identity.tls;

import dev.jmesh.agent.identity.SpiffeTrustManager;
import dev.jmesh.agent.identity.WorkloadIdentity;
import dev.jmesh.policy.SpiffeId;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;

/**
 * SSLContexts for mutual TLS between workloads: this workload's rotating certificate on
 * both sides, TLS 1.3 and 1.2 only, peers verified by SPIFFE ID. One context per expected
 * server identity and per allow list, built once and kept: each handshake uses the material
 * current then.
 *
 * <p>A resumed session keeps the certificates it was made with. So cached sessions live at
 * most {@link #SESSION_LIFETIME}, and when this workload's material rotates the contexts drop
 * theirs, so that the next connection makes a full handshake with the new certificate.
 */
public final class MeshTls {

    public static final Duration SESSION_LIFETIME = Duration.ofMinutes(10);
    /** The only protocol versions mesh connections use. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final WorkloadIdentity identity;
    private final TlsProvider provider;
    private final Map<SpiffeId, SSLContext> clients = new ConcurrentHashMap<>();
    private final Map<Set<SpiffeId>, SSLContext> servers = new ConcurrentHashMap<>();

    public MeshTls(WorkloadIdentity identity, TlsProvider provider) {
        this.identity = identity;
        this.provider = provider;
        identity.onRotation(this::dropSessions);
    }

    /** For calls to a service: the server must present exactly {@code serverIdentity}. */
    public SSLContext clientContext(SpiffeId serverIdentity) throws GeneralSecurityException {
        return cached(clients, serverIdentity, () -> SpiffeTrustManager.forClient(identity, serverIdentity), false);
    }

    /**
     * For an inbound port: client certificates are required, and the client's ID must be in
     * {@code allow} (empty: any workload of this trust domain). Every socket, server socket and
     * engine it creates already demands a client certificate.
     */
    public SSLContext serverContext(Set<SpiffeId> allow) throws GeneralSecurityException {
        Set<SpiffeId> key = Set.copyOf(allow);
        return cached(servers, key, () -> SpiffeTrustManager.forServer(identity, key), true);
    }

    public TlsProvider provider() {
        return provider;
    }

    public WorkloadIdentity identity() {
        return identity;
    }

    private <K> SSLContext cached(Map<K, SSLContext> contexts, K key, Supplier<SpiffeTrustManager> trustManager,
            boolean server) throws GeneralSecurityException {
        SSLContext context = contexts.get(key);
        if (context == null) {
            context = context(trustManager.get(), server);
            SSLContext raced = contexts.putIfAbsent(key, context);
            context = raced != null ? raced : context;
        }
        return context;
    }

    private SSLContext context(SpiffeTrustManager trustManager, boolean server) throws GeneralSecurityException {
        SSLContext context = provider.newContext();
        context.init(new KeyManager[] {identity.keyManager()}, new TrustManager[] {trustManager}, null);
        int lifetime = (int) SESSION_LIFETIME.toSeconds();
        context.getClientSessionContext().setSessionTimeout(lifetime);
        context.getServerSessionContext().setSessionTimeout(lifetime);
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
        String[] protocols = PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new);
        return new PolicySslContext(context, new ConnectionPolicy(protocols, server));
    }

    /**
     * Retires the contexts built on the old material: the next connection gets a new context
     * with an empty session cache. Invalidating the old sessions alone is not enough: a
     * handshake in flight at the rotation stores a session made with the old certificate, and
     * TLS 1.3 resumption would carry that certificate from ticket to ticket.
     */
    private void dropSessions() {
        for (Map<?, SSLContext> contexts : List.of(clients, servers)) {
            for (SSLContext context : contexts.values()) {
                invalidate(context.getClientSessionContext());
                invalidate(context.getServerSessionContext());
            }
            contexts.clear();
        }
    }

    private static void invalidate(SSLSessionContext sessions) {
        for (byte[] id : Collections.list(sessions.getIds())) {
            SSLSession session = sessions.getSession(id);
            if (session != null) {
                session.invalidate();
            }
        }
    }
}
