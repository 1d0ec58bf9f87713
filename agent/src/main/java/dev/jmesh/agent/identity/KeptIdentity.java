package dev.jmesh.agent.identity;

import dev.jmesh.agent.AgentLog;
import dev.jmesh.pki.IdentityException;
import dev.jmesh.pki.IdentityFiles;
import dev.jmesh.pki.Pem;
import dev.jmesh.pki.SecureFiles;
import dev.jmesh.policy.SpiffeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * An issued identity kept on disk ({@code identity.issuedFiles}): each certificate the control
 * plane issues is written with its key, the key readable by the owner only, so that a restarted
 * agent presents it at once, before (or without) a link, and renews it when it is due. A kept
 * identity is used only if it is this workload's, still valid, and its key has stayed
 * owner-only; otherwise the agent says why in one line and asks for a new one.
 */
public final class KeptIdentity {

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Path directory;
    private final IdentityFiles files;

    public KeptIdentity(Path directory) {
        this.directory = directory;
        this.files = IdentityFiles.in(directory);
    }

    /** The identity kept for {@code id}, or null (none yet, or not usable: said in one line). */
    IdentityMaterial load(SpiffeId id) {
        if (!Files.exists(files.key())) {
            return null;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(files.key());
            if (permissions.stream().anyMatch(OTHERS::contains)) {
                AgentLog.line("identity: " + files.key() + " is readable by others than its owner; not used, a new key is made");
                return null;
            }
        } catch (UnsupportedOperationException | IOException e) {
            // no POSIX permissions here: the file was written owner-only as far as the platform allows
        }
        try {
            IdentityMaterial kept = IdentityMaterial.read(files);
            if (!kept.spiffeId().equals(id)) {
                AgentLog.line("identity: " + files.certificate() + " is for " + kept.spiffeId() + ", not " + id + "; not used");
                return null;
            }
            return kept;
        } catch (IdentityException e) {
            AgentLog.line("identity: the kept identity in " + directory + " is not usable: " + e.getMessage());
            return null;
        }
    }

    /** Keeps {@code issued}; a failure is said in one line, the identity staying in memory. */
    void save(IdentityMaterial issued) {
        try {
            SecureFiles.ownerOnlyDirectory(directory);
            // The key first: until the certificate is replaced, the pair on disk does not match and is not used.
            SecureFiles.write(files.key(), Pem.encodePrivateKey(issued.key()), true);
            SecureFiles.write(files.certificate(), Pem.encodeCertificates(issued.chain()), false);
            SecureFiles.write(files.trustBundle(), Pem.encodeCertificates(issued.trustBundle()), false);
        } catch (IOException | RuntimeException e) {
            AgentLog.line("identity: cannot keep the issued certificate in " + directory + ": " + e
                    + "; it is kept in memory only");
        }
    }
}
