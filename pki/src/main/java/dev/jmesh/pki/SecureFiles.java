package dev.jmesh.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files that something may be reading or watching (identity files, the last good
 * snapshot): each is replaced in one rename, so a reader never sees half of one; secrets are
 * readable by the owner only from the moment they exist.
 */
public final class SecureFiles {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private SecureFiles() {}

    /** Creates the directory (and parents) if needed and makes it 0700. */
    public static void ownerOnlyDirectory(Path directory) throws IOException {
        Files.createDirectories(directory);
        if (POSIX) {
            Files.setPosixFilePermissions(directory, OWNER_DIRECTORY);
        }
    }

    /** Replaces {@code file} with {@code text}: 0600 when {@code secret}, else the usual umask. */
    public static void write(Path file, String text, boolean secret) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        FileAttribute<?>[] attributes = POSIX && secret
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)}
                : new FileAttribute<?>[0];
        Path temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp", attributes);
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            if (POSIX && !secret) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
