package dev.jmesh.agent.identity;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the workload's current certificate. The alias names the snapshot's generation:
 * TLS asks for the alias first and the chain and key after, and a rotation in between must not
 * pair a new chain with an old key — the alias still finds the snapshot it was chosen from.
 */
final class RotatingKeyManager extends X509ExtendedKeyManager {

    private static final String PREFIX = "jmesh-";

    private final WorkloadIdentity identity;

    RotatingKeyManager(WorkloadIdentity identity) {
        this.identity = identity;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return aliases(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliases(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        IdentityMaterial material = material(alias);
        return material == null ? null : material.chain().toArray(new X509Certificate[0]);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        IdentityMaterial material = material(alias);
        return material == null ? null : material.key();
    }

    private String[] aliases(String keyType) {
        String alias = aliasFor(keyType);
        return alias == null ? null : new String[] {alias};
    }

    private String aliasFor(String... keyTypes) {
        WorkloadIdentity.State state = identity.state();
        if (state.current() == null) {
            return null; // not issued yet: nothing to present
        }
        String algorithm = state.current().key().getAlgorithm();
        for (String keyType : keyTypes) {
            // "EC", or TLS 1.2's "EC_EC"/"EC_RSA" (key type, then the issuer's signature type).
            if (keyType != null && (keyType.equals(algorithm) || keyType.startsWith(algorithm + "_"))) {
                return PREFIX + state.generation();
            }
        }
        return null;
    }

    private IdentityMaterial material(String alias) {
        if (alias == null || !alias.startsWith(PREFIX)) {
            return null;
        }
        long generation;
        try {
            generation = Long.parseLong(alias.substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            return null;
        }
        WorkloadIdentity.State state = identity.state();
        if (generation == state.generation()) {
            return state.current();
        }
        return generation == state.generation() - 1 ? state.previous() : null;
    }
}
