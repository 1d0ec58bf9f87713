package dev.jmesh.agent.jwt;

import dev.jmesh.agent.AgentLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * An issuer's key set, read from its file and read again when the file changes (its time or
 * size). A file that cannot be read or parsed leaves the keys as they were, and says so once;
 * without any good read, tokens of the issuer fail verification (fail closed).
 */
final class JwksFile {

    private final Path path;
    private volatile Jwks keys;
    private String lastSeen;   // modification time and size of the file as last looked at
    private String lastProblem;

    JwksFile(Path path) {
        this.path = path;
        refresh();
    }

    /** The keys of the last good read, or {@code null} when there never was one. */
    Jwks keys() {
        return keys;
    }

    Path path() {
        return path;
    }

    /** Reads the file again if it changed since it was last looked at. */
    synchronized void refresh() {
        String seen;
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            seen = attributes.lastModifiedTime() + "/" + attributes.size();
        } catch (IOException e) {
            problem("cannot read " + path + ": " + e.getMessage());
            return;
        }
        if (seen.equals(lastSeen)) {
            return;
        }
        lastSeen = seen;
        try {
            Jwks read = Jwks.parse(Files.readString(path, StandardCharsets.UTF_8));
            boolean first = keys == null;
            keys = read;
            lastProblem = null;
            AgentLog.line((first ? "jwks " : "jwks changed: ") + path + ": " + read.keys().size() + " key(s)"
                    + (read.skipped().isEmpty() ? "" : "; left out: " + String.join(", ", read.skipped())));
        } catch (IOException | IllegalArgumentException e) {
            problem(path + " refused, " + (keys == null ? "tokens of its issuer fail" : "the previous keys stay")
                    + ": " + e.getMessage());
        }
    }

    private void problem(String message) {
        if (!message.equals(lastProblem)) {
            lastProblem = message;
            AgentLog.line("jwks " + message);
        }
    }
}
