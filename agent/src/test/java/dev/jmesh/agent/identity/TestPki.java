package dev.jmesh.agent.identity;

import dev.jmesh.agent.identity.tls.MeshTls;
import dev.jmesh.agent.identity.tls.TlsProvider;
import dev.jmesh.pki.CertificateAuthority;
import dev.jmesh.pki.IdentityException;
import dev.jmesh.pki.IssuedIdentity;
import dev.jmesh.policy.SpiffeId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.bytebuddy.agent.ByteBuddyAgent;

/** In-memory certificate authorities and workload identities for tests. */
public final class TestPki {

    public static final String TRUST_DOMAIN = "example.org";

    private TestPki() {}

    public static CertificateAuthority ca() {
        return CertificateAuthority.create(TRUST_DOMAIN, Duration.ofDays(1));
    }

    public static SpiffeId id(String workload) {
        return SpiffeId.workload(TRUST_DOMAIN, "default", workload);
    }

    public static WorkloadIdentity identity(CertificateAuthority ca, String workload) {
        return fixed(ca.issue("default", workload, Duration.ofHours(1)));
    }

    public static WorkloadIdentity expiredIdentity(CertificateAuthority ca, String workload) {
        Instant now = Instant.now();
        return fixed(ca.issue(id(workload), now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))));
    }

    public static MeshTls tls(WorkloadIdentity identity, TlsProvider provider) {
        return new MeshTls(identity, provider);
    }

    /** A certificate from {@code signer} that trusts {@code trusted}: an impostor when they differ. */
    public static WorkloadIdentity identity(CertificateAuthority signer, CertificateAuthority trusted, String workload) {
        IssuedIdentity issued = signer.issue("default", workload, Duration.ofHours(1));
        try {
            return WorkloadIdentity.fixed(IdentityMaterial.of(issued.chain(), issued.key(),
                    List.of(trusted.certificate())));
        } catch (IdentityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The provider named by a test parameter: "JDK" or "Conscrypt" (from the test class path,
     * with java.net opened to it as the agent does, through an attached Instrumentation).
     */
    public static TlsProvider provider(String name) {
        return name.equals("JDK") ? TlsProvider.jdk()
                : TlsProvider.conscrypt(TestPki.class.getClassLoader(), ByteBuddyAgent.install()).orElseThrow();
    }

    private static WorkloadIdentity fixed(IssuedIdentity issued) {
        try {
            return WorkloadIdentity.fixed(IdentityMaterial.of(issued));
        } catch (IdentityException e) {
            throw new IllegalStateException(e);
        }
    }
}
