package dev.jmesh.agent.tooling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The weave cache on real files: what it answers, what it never answers, and how it fails. */
class WeaveCacheTest {

    private static final String BUILD = "1.0-20261201000000";
    private static final String CLASS = "jdk/internal/net/http/HttpClientImpl";

    @TempDir
    Path root;

    private final List<String> lines = new CopyOnWriteArrayList<>();

    private WeaveCache open() {
        return WeaveCache.open(root, BUILD, lines::add);
    }

    private static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private Path onlyEntry() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve(BUILD))) {
            List<Path> entries = files.filter(f -> f.toString().endsWith(".woven")).toList();
            assertEquals(1, entries.size(), entries.toString());
            return entries.get(0);
        }
    }

    @Test
    void whatOneRunWoveIsAnsweredToTheNext() {
        byte[] original = bytes(5000, 1);
        byte[] woven = bytes(6000, 2);
        open().put(CLASS, original, new WeaveCache.Entry(woven, null));
        WeaveCache.Entry entry = open().get(CLASS, original);
        assertNotNull(entry);
        assertArrayEquals(woven, entry.woven());
        assertEquals(List.of(), lines);
    }

    @Test
    void aRefusalIsKeptWithItsReason() {
        byte[] original = bytes(500, 1);
        open().put(CLASS, original, new WeaveCache.Entry(null, "no method a constructor of 8 parameters"));
        assertEquals("no method a constructor of 8 parameters", open().get(CLASS, original).refusal());
    }

    @Test
    void theDirectoryIsCreatedForTheOwnerAlone() throws IOException {
        Path fresh = root.resolve("home/.cache/jmesh/weave");
        WeaveCache.open(fresh, BUILD, lines::add).put(CLASS, bytes(10, 1), new WeaveCache.Entry(bytes(10, 2), null));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.resolve(BUILD))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(onlyEntryIn(fresh))));
    }

    private static Path onlyEntryIn(Path cacheRoot) throws IOException {
        try (Stream<Path> files = Files.list(cacheRoot.resolve(BUILD))) {
            return files.filter(f -> f.toString().endsWith(".woven")).findFirst().orElseThrow();
        }
    }

    @Test
    void aCorruptEntryIsNeverUsedAndIsRewritten() throws IOException {
        byte[] original = bytes(5000, 1);
        byte[] woven = bytes(6000, 2);
        open().put(CLASS, original, new WeaveCache.Entry(woven, null));
        Path entry = onlyEntry();
        byte[] file = Files.readAllBytes(entry);
        file[file.length / 2] ^= 0x40;
        Files.write(entry, file);
        assertNull(open().get(CLASS, original));
        open().put(CLASS, original, new WeaveCache.Entry(woven, null));
        assertArrayEquals(woven, open().get(CLASS, original).woven());
    }

    @Test
    void aTruncatedEntryIsNeverUsed() throws IOException {
        byte[] original = bytes(5000, 1);
        open().put(CLASS, original, new WeaveCache.Entry(bytes(6000, 2), null));
        Path entry = onlyEntry();
        byte[] file = Files.readAllBytes(entry);
        for (int length : new int[] {0, 7, 15, file.length / 2, file.length - 1}) {
            Files.write(entry, java.util.Arrays.copyOf(file, length));
            assertNull(open().get(CLASS, original), "truncated to " + length);
        }
    }

    @Test
    void anEntryFromAnotherAgentBuildIsNeverUsed() throws IOException {
        byte[] original = bytes(5000, 1);
        WeaveCache.open(root, "1.0-20250101000000", lines::add).put(CLASS, original, new WeaveCache.Entry(bytes(60, 2), null));
        Path other;
        try (Stream<Path> files = Files.list(root.resolve("1.0-20250101000000"))) {
            other = files.findFirst().orElseThrow();
        }
        Files.createDirectories(root.resolve(BUILD));
        Files.copy(other, root.resolve(BUILD).resolve(other.getFileName()));
        assertNull(open().get(CLASS, original), "an entry written by another build, copied where this build looks");
    }

    @Test
    void anEntryForOtherOriginalBytesIsNeverUsed() throws IOException {
        byte[] jdk17 = bytes(5000, 1);
        byte[] jdk25 = bytes(5000, 3);
        WeaveCache cache = open();
        cache.put(CLASS, jdk17, new WeaveCache.Entry(bytes(60, 2), null));
        Path first = onlyEntry();
        cache.put(CLASS, jdk25, new WeaveCache.Entry(bytes(60, 4), null));
        Path second;
        try (Stream<Path> files = Files.list(root.resolve(BUILD))) {
            second = files.filter(f -> !f.equals(first)).findFirst().orElseThrow();
        }
        // Another JDK's class under this one's name: the original bytes inside tell them apart.
        Files.copy(first, second, StandardCopyOption.REPLACE_EXISTING);
        assertNull(open().get(CLASS, jdk25));
        assertNotNull(open().get(CLASS, jdk17));
    }

    @Test
    void anEntryAnotherUserCouldWriteOrOwnsOrALinkIsNeverRead() throws IOException {
        byte[] original = bytes(500, 1);
        open().put(CLASS, original, new WeaveCache.Entry(bytes(60, 2), null));
        Path entry = onlyEntry();
        Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertNull(open().get(CLASS, original), "world-writable");
        Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("rw--w----"));
        assertNull(open().get(CLASS, original), "group-writable");
        Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("rw-------"));
        assertNotNull(open().get(CLASS, original));

        Path target = root.resolve("elsewhere.woven");
        Files.move(entry, target);
        Files.createSymbolicLink(entry, target);
        assertNull(open().get(CLASS, original), "a symbolic link");
        Files.delete(entry);
        Files.move(target, entry);

        UserPrincipal nobody = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        assumeTrue(isRoot(), "changing an entry's owner needs root: the other-owner case is not run");
        Files.setOwner(entry, nobody);
        assertNull(open().get(CLASS, original), "owned by nobody");
    }

    @Test
    void aDirectoryOthersCouldWriteIsRefusedInOneLine() throws IOException {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertSame(WeaveCache.NONE, open());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("writable by others") && lines.get(0).contains("woven in memory"), lines.get(0));
    }

    @Test
    void aDirectoryThatCannotBeMadeFallsBackToMemoryInOneLine() throws IOException {
        Path file = root.resolve("not-a-directory");
        Files.writeString(file, "x");
        assertSame(WeaveCache.NONE, WeaveCache.open(file.resolve("weave"), BUILD, lines::add));
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("woven in memory"), lines.get(0));
    }

    @Test
    void aFullDirectoryCostsOneLineAndWritingStops() throws Exception {
        try (Tmpfs small = Tmpfs.mount(root.resolve("small"), "size=16k")) {
            WeaveCache cache = WeaveCache.open(small.path(), BUILD, lines::add);
            byte[] fits = bytes(2000, 1);
            cache.put(CLASS, fits, new WeaveCache.Entry(bytes(2000, 2), null));
            cache.put("a/Big", bytes(20_000, 3), new WeaveCache.Entry(bytes(20_000, 4), null));
            cache.put("a/Other", bytes(100, 5), new WeaveCache.Entry(bytes(100, 6), null));
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains("cannot be written") && lines.get(0).contains("woven in memory"), lines.get(0));
            assertNotNull(cache.get(CLASS, fits), "what was written before is still answered");
            try (Stream<Path> files = Files.list(small.path().resolve(BUILD))) {
                assertEquals(1, files.count(), "no temporary file is left behind");
            }
        }
    }

    @Test
    void aReadOnlyDirectoryIsStillReadAndCostsOneLineAtTheFirstWrite() throws Exception {
        byte[] original = bytes(2000, 1);
        try (Tmpfs prepared = Tmpfs.mount(root.resolve("image"), "size=1m")) {
            WeaveCache.open(prepared.path(), BUILD, lines::add).put(CLASS, original, new WeaveCache.Entry(bytes(100, 2), null));
            prepared.remount("ro");
            WeaveCache cache = WeaveCache.open(prepared.path(), BUILD, lines::add);
            assertNotNull(cache.get(CLASS, original));
            cache.put("a/New", bytes(100, 3), new WeaveCache.Entry(bytes(100, 4), null));
            cache.put("a/Newer", bytes(100, 5), new WeaveCache.Entry(bytes(100, 6), null));
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains("cannot be written"), lines.get(0));
        }
    }

    /** Writers replace whole entries while readers read: a reader gets the entry or a miss, never other bytes. */
    @Test
    void concurrentWritersAndReadersNeverSeeHalfAnEntry() throws Exception {
        byte[] original = bytes(40_000, 1);
        byte[] woven = bytes(50_000, 2);
        open().put(CLASS, original, new WeaveCache.Entry(woven, null)); // there from the start: every read can hit
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> readers = new ArrayList<>();
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        open().put(CLASS, original, new WeaveCache.Entry(woven, null));
                    }
                }));
            }
            for (int r = 0; r < 4; r++) {
                readers.add(pool.submit(() -> {
                    int hits = 0;
                    for (int i = 0; i < 300; i++) {
                        WeaveCache.Entry entry = open().get(CLASS, original);
                        if (entry != null) {
                            assertArrayEquals(woven, entry.woven());
                            hits++;
                        }
                    }
                    return hits;
                }));
            }
            int hits = 0;
            for (Future<Integer> reader : readers) {
                hits += reader.get(60, TimeUnit.SECONDS);
            }
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
            assertEquals(4 * 300, hits, "an entry being replaced is still read whole, every time");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), lines);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** A real small file system, mounted by the test and always unmounted; root only. */
    private record Tmpfs(Path path) implements AutoCloseable {

        static Tmpfs mount(Path path, String options) throws Exception {
            assumeTrue(isRoot(), "mounting a tmpfs needs root: this case is not run");
            Files.createDirectories(path);
            run("mount", "-t", "tmpfs", "-o", options + ",mode=0700", "tmpfs", path.toString());
            return new Tmpfs(path);
        }

        void remount(String options) throws Exception {
            run("mount", "-o", "remount," + options, path.toString());
        }

        @Override
        public void close() throws Exception {
            run("umount", path.toString());
        }

        private static void run(String... command) throws Exception {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0,
                    String.join(" ", command) + ": " + output);
        }
    }
}
