package dev.jmesh.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** The JDKs the agent is tested on. */
enum Jdk {
    JDK17(Path.of(System.getProperty("java.home"))),
    JDK25(Path.of(System.getProperty("jmesh.jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64")));

    private final Path home;

    Jdk(Path home) {
        this.home = home;
    }

    Path java() {
        Path java = home.resolve("bin/java");
        if (!Files.isExecutable(java)) {
            throw new IllegalStateException(name() + " not found at " + home + " (set -Djmesh.jdk25.home)");
        }
        return java;
    }
}
