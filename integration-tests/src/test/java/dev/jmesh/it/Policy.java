package dev.jmesh.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A policy file written for one test. */
final class Policy {

    private Policy() {}

    static Path write(Path dir, String yaml) {
        try {
            Path file = Files.createTempFile(dir, "mesh-", ".yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
