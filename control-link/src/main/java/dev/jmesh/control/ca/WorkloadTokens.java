package dev.jmesh.control.ca;

import dev.jmesh.policy.SpiffeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The bootstrap credentials: {@code DIR/<namespace>/<workload>} holds the token that entitles
 * its bearer to exactly {@code spiffe://<trust domain>/ns/<namespace>/sa/<workload>}, the layout
 * {@code ca issue} writes identities in. The agent's {@code control.tokenFile} holds the same
 * token. A token is looked up each time it is presented, so adding or deleting a file takes
 * effect for the next link; tokens are compared in constant time.
 */
public final class WorkloadTokens {

    private final Path directory;
    private final String trustDomain;
    private final Consumer<String> log;

    public WorkloadTokens(Path directory, String trustDomain, Consumer<String> log) {
        this.directory = directory;
        this.trustDomain = trustDomain;
        this.log = log;
    }

    /** The one identity {@code token} entitles to, or null. */
    public SpiffeId identityFor(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        byte[] presented = token.getBytes(StandardCharsets.UTF_8);
        SpiffeId match = null;
        for (Entry entry : entries()) {
            // every entry is compared, so how long it takes says nothing of which one matched
            if (MessageDigest.isEqual(entry.token(), presented) && match == null) {
                match = entry.id();
            }
        }
        return match;
    }

    private record Entry(SpiffeId id, byte[] token) {}

    private List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> namespaces = Files.list(directory)) {
            for (Path namespace : namespaces.filter(Files::isDirectory).toList()) {
                try (Stream<Path> workloads = Files.list(namespace)) {
                    for (Path file : workloads.filter(Files::isRegularFile).toList()) {
                        Entry entry = entry(namespace.getFileName().toString(), file);
                        if (entry != null) {
                            entries.add(entry);
                        }
                    }
                }
            }
        } catch (IOException e) {
            log.accept("identity tokens " + directory + " not readable: " + e.getMessage());
        }
        return entries;
    }

    private Entry entry(String namespace, Path file) {
        try {
            SpiffeId id = SpiffeId.workload(trustDomain, namespace, file.getFileName().toString());
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            return token.isEmpty() ? null : new Entry(id, token.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            return null; // not a token file (a name SPIFFE does not allow, a file being written)
        }
    }
}
