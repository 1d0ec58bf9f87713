package dev.jmesh.agent.identity;

import dev.jmesh.agent.AgentLog;
import dev.jmesh.pki.CertificateBuilder;
import dev.jmesh.pki.CertificateRequest;
import dev.jmesh.pki.IdentityException;
import dev.jmesh.pki.Pem;
import dev.jmesh.policy.SpiffeId;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Keeps an identity the control plane issues: makes a key (it never leaves the process, unless
 * the policy keeps the identity in owner-only files: {@link KeptIdentity}), asks for a
 * certificate over the link, and asks again with a new key at half of the certificate's
 * remaining life, ±5 % so that agents started together do not renew together. The certificate
 * in use stays until the new one is in; a refused or lost request is asked again 30 s later
 * (or on the next link).
 */
public final class CertificateRenewal {

    static final long RETRY_MILLIS = 30_000;

    private final WorkloadIdentity identity;
    private final SpiffeId id;
    private final LongSupplier wallMillis;
    private final KeptIdentity kept;
    private KeyPair pending;
    private long renewAtMillis;
    private String lastRefusal;

    /**
     * Starts from the kept identity when there is a usable one: presented at once, renewed when due.
     *
     * @param wallMillis the wall clock certificates' validity is read on
     * @param kept       where issued identities are kept, or null for memory only
     */
    public CertificateRenewal(WorkloadIdentity identity, SpiffeId id, LongSupplier wallMillis, KeptIdentity kept) {
        this.identity = identity;
        this.id = id;
        this.wallMillis = wallMillis;
        this.kept = kept;
        IdentityMaterial resumed = kept == null ? null : kept.load(id);
        if (resumed != null && identity.offer(resumed)) {
            renewAfter(resumed.certificate(), wallMillis.getAsLong());
        }
    }

    public WorkloadIdentity identity() {
        return identity;
    }

    /** When the next request is due, in the wall clock's milliseconds (0: now). */
    public synchronized long renewAtMillis() {
        return renewAtMillis;
    }

    /** The request (PEM) to send now, or null: one is in flight, or the certificate is not due. */
    public synchronized String request() {
        if (pending != null || wallMillis.getAsLong() < renewAtMillis) {
            return null;
        }
        pending = CertificateBuilder.newKeyPair();
        return CertificateRequest.create(pending, id);
    }

    /** The link went away: a request in flight is asked again on the next one. */
    public synchronized void linkLost() {
        pending = null;
    }

    /**
     * The server's answer: a chain for the key in flight and the bundle, a new bundle alone
     * ({@code chain} 0), or a refusal.
     */
    public synchronized void answer(boolean ok, int chain, String text) {
        long now = wallMillis.getAsLong();
        if (!ok) {
            pending = null;
            renewAtMillis = now + RETRY_MILLIS;
            if (!text.equals(lastRefusal)) {
                lastRefusal = text;
                AgentLog.line("identity: the control plane refused a certificate for " + id + ": " + text
                        + "; asking again in " + RETRY_MILLIS / 1000 + " s");
            }
            return;
        }
        List<X509Certificate> certificates;
        try {
            certificates = Pem.parseCertificates("the control plane's answer", text.getBytes(StandardCharsets.US_ASCII));
            if (chain > certificates.size() - 1) {
                throw new IdentityException("the control plane's answer: " + certificates.size()
                        + " certificates, a chain of " + chain + " and no trust bundle");
            }
        } catch (IdentityException e) {
            AgentLog.line("identity: " + e.getMessage());
            pending = null;
            renewAtMillis = now + RETRY_MILLIS;
            return;
        }
        List<X509Certificate> bundle = certificates.subList(chain, certificates.size());
        if (chain == 0) {
            if (identity.offerBundle(bundle)) {
                keep();
            }
            return;
        }
        if (pending == null || !certificates.get(0).getPublicKey().equals(pending.getPublic())) {
            return; // the answer to a request of a link that was lost; another is on its way
        }
        KeyPair keys = pending;
        pending = null;
        boolean taken;
        try {
            taken = identity.offer(IdentityMaterial.of(certificates.subList(0, chain), keys.getPrivate(), bundle));
        } catch (IdentityException e) {
            AgentLog.line("identity: the issued certificate is not usable: " + e.getMessage());
            taken = false;
        }
        if (!taken) {
            renewAtMillis = now + RETRY_MILLIS;
            return;
        }
        lastRefusal = null;
        keep();
        renewAfter(certificates.get(0), now);
    }

    private void keep() {
        if (kept != null) {
            kept.save(identity.current());
        }
    }

    /** Renewal is due at half of {@code leaf}'s remaining life, ±5 %. */
    private void renewAfter(X509Certificate leaf, long now) {
        double share = 0.5 + ThreadLocalRandom.current().nextDouble(-0.05, 0.05);
        renewAtMillis = now + (long) (Math.max(0, leaf.getNotAfter().getTime() - now) * share);
    }
}
