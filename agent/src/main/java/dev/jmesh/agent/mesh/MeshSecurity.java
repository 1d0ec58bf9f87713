package dev.jmesh.agent.mesh;

import dev.jmesh.agent.AgentLog;
import dev.jmesh.agent.identity.CertificateRenewal;
import dev.jmesh.agent.identity.KeptIdentity;
import dev.jmesh.agent.identity.WorkloadIdentity;
import dev.jmesh.agent.identity.tls.MeshTls;
import dev.jmesh.agent.identity.tls.TlsProvider;
import dev.jmesh.bootstrap.TlsOrigination;
import dev.jmesh.pki.IdentityException;
import dev.jmesh.pki.IdentityFiles;
import dev.jmesh.policy.IdentityConfig;
import dev.jmesh.policy.MeshConfig;
import dev.jmesh.policy.ServiceConfig;
import dev.jmesh.policy.SpiffeId;
import dev.jmesh.policy.TlsPolicy;
import java.lang.instrument.Instrumentation;

/**
 * This workload's identity for mutual TLS, or why there is none. Policies that require TLS
 * fail closed without it: their connections are refused with {@code unavailable} as the reason.
 *
 * @param tls         the contexts built on the identity, or {@code null}
 * @param identity    this workload's SPIFFE ID as its certificate says, or {@code null}
 * @param unavailable why {@code tls} is null
 * @param renewal     what keeps the certificate when the control plane issues it, else null
 */
public record MeshSecurity(MeshTls tls, SpiffeId identity, String unavailable, CertificateRenewal renewal) {

    /** A policy without {@code identity:}. */
    public static final MeshSecurity NONE = new MeshSecurity(null, null, "the policy has no identity: section", null);

    /** Loads the policy's identity, watching its files for rotation; never throws. */
    public static MeshSecurity load(MeshConfig config, Instrumentation instrumentation) {
        IdentityConfig identity = config.identity();
        if (identity == null) {
            return NONE;
        }
        SpiffeId expected = SpiffeId.workload(identity.trustDomain(), identity.namespace(), config.workload());
        if (identity.issuedByControlPlane()) {
            // Fails closed until the first certificate is in: handshakes have nothing to present.
            WorkloadIdentity pending = WorkloadIdentity.pending();
            TlsProvider provider = TlsProvider.choose(ClassLoader.getSystemClassLoader(), null, instrumentation);
            return new MeshSecurity(new MeshTls(pending, provider), expected, null,
                    new CertificateRenewal(pending, expected, System::currentTimeMillis,
                            identity.issuedFiles() == null ? null : new KeptIdentity(identity.issuedFiles())));
        }
        try {
            WorkloadIdentity workload = WorkloadIdentity.watch(
                    new IdentityFiles(identity.certificate(), identity.key(), identity.trustBundle()));
            if (!expected.equals(workload.spiffeId())) {
                AgentLog.line("identity: the certificate names " + workload.spiffeId() + ", the policy says " + expected
                        + "; peers see the certificate's");
            }
            TlsProvider provider = TlsProvider.choose(ClassLoader.getSystemClassLoader(), null, instrumentation);
            return new MeshSecurity(new MeshTls(workload, provider), workload.spiffeId(), null, null);
        } catch (IdentityException | RuntimeException e) {
            String reason = "identity files not usable: " + e.getMessage();
            AgentLog.line(reason + "; mutual TLS connections are refused until the agent restarts with them");
            return new MeshSecurity(null, null, reason, null);
        }
    }

    /** The TLS a service's policy asks for, or {@code null} for plaintext. */
    TlsOrigination tlsFor(ServiceConfig service) {
        TlsPolicy policy = service.tls();
        if (policy == null) {
            return null;
        }
        return policy.mode() == TlsPolicy.Mode.MUTUAL
                ? new ServiceTls(service.name(), SpiffeId.parse(policy.serverIdentity()), tls, unavailable)
                : new SimpleTls(service.name(), policy.sni(), policy.caCertificates());
    }
}
