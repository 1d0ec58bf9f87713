package dev.jmesh.agent.control;

import dev.jmesh.pki.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The last good pushed snapshot, in {@code cacheDir/<workload>.snapshot.yaml}: a first line
 * {@code # jmesh snapshot <version>}, then the document as pushed. Written atomically (a temp
 * file in the same directory, then a move), so a crash never leaves half a snapshot.
 */
final class SnapshotCache {

    private static final String HEADER = "# jmesh snapshot ";
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final long MAX_BYTES = 4L * 1024 * 1024;

    /** A cached snapshot. */
    record Entry(String version, String yaml) {}

    private final Path file;

    SnapshotCache(Path dir, String workload) {
        this.file = dir.resolve(workload + ".snapshot.yaml");
    }

    Path file() {
        return file;
    }

    /** The cached snapshot, or null when there is none (or it is unreadable: then it is simply not used). */
    Entry read() throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException("larger than " + MAX_BYTES + " bytes");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String version = newline < 0 || !text.startsWith(HEADER) ? "" : text.substring(HEADER.length(), newline);
        if (!VERSION.matcher(version).matches()) {
            throw new IOException("no '" + HEADER + "<version>' first line");
        }
        return new Entry(version, text.substring(newline + 1));
    }

    void write(String version, String yaml) throws IOException {
        Files.createDirectories(file.getParent());
        SecureFiles.write(file, HEADER + version + "\n" + yaml, false);
    }
}
