package dev.jmesh.agent.tooling;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Woven class files kept on disk between runs, so that a JVM that has run before on this
 * machine never loads the weaver: a class to instrument is answered with the bytes woven for it
 * last time, or with the reason it was refused.
 *
 * <p>An entry is used only when everything in it holds: its checksum (a truncated or corrupt
 * file fails it), the agent build that wrote it, and the original class file, compared byte for
 * byte with the one being loaded (another JDK or library version is another entry). Anything
 * else is a miss, woven again and rewritten. Entries are written to a temporary file and renamed
 * into place, so JVMs starting at once never read half of one.
 *
 * <p>The directory is the owner's alone (created 0700; one that another user could write is
 * refused whole), and so is each entry: a link, or a file another user owns or could write, is
 * never read. A directory that cannot be created or written (missing parent, read-only, full)
 * costs one line; classes are then woven in memory, and entries already there are still used.
 */
public final class WeaveCache {

    private static final int MAGIC = 0x4A4D5743; // "JMWC"
    private static final int FORMAT = 1;
    private static final byte WOVEN = 1;
    private static final byte REFUSED = 2;
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OTHERS_WRITE =
            Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    /** Weaves in memory only. */
    public static final WeaveCache NONE = new WeaveCache(null, "", line -> { });

    private final Path directory;
    private final String build;
    private final Consumer<String> log;
    private volatile boolean writable;

    /** What the cache holds for a class: its woven bytes, or why it was refused. */
    record Entry(byte[] woven, String refusal) {
    }

    private WeaveCache(Path directory, String build, Consumer<String> log) {
        this.directory = directory;
        this.build = build;
        this.log = log;
        this.writable = directory != null;
    }

    /**
     * The cache of agent build {@code build} under {@code root} (created owner-only if missing),
     * or {@link #NONE} with one line saying why when the directory cannot be trusted or made.
     */
    public static WeaveCache open(Path root, String build, Consumer<String> log) {
        Path directory = root.resolve(fileName(build));
        try {
            for (Path dir : new Path[] {root, directory}) {
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(dir);
                    if (POSIX) {
                        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                    }
                }
                String refused = untrusted(dir);
                if (refused != null) {
                    log.accept("weave cache " + dir + " refused (" + refused + "); classes are woven in memory");
                    return NONE;
                }
            }
        } catch (IOException | RuntimeException e) {
            log.accept("weave cache " + directory + " cannot be used (" + e + "); classes are woven in memory");
            return NONE;
        }
        return new WeaveCache(directory, build, log);
    }

    /** What a previous run wove for {@code original}, or {@code null}: never throws. */
    Entry get(String internalName, byte[] original) {
        if (directory == null) {
            return null;
        }
        Path file = file(internalName, original);
        try {
            if (untrusted(file) != null) {
                return null;
            }
            return decode(Files.readAllBytes(file), original);
        } catch (IOException | RuntimeException e) {
            return null; // missing, unreadable or malformed: a miss
        }
    }

    /** Keeps what was woven for {@code original}, best effort: a failure costs one line, then writes stop. */
    void put(String internalName, byte[] original, Entry entry) {
        if (!writable) {
            return;
        }
        Path file = file(internalName, original);
        Path temporary = null;
        try {
            temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
            Files.write(temporary, encode(original, entry));
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
        } catch (IOException | RuntimeException e) {
            writable = false;
            log.accept("weave cache " + directory + " cannot be written (" + e
                    + "); classes not in it are woven in memory");
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // a stray temporary file is never read: only whole entries are
                }
            }
        }
    }

    /** {@code text} with anything but letters, digits, '.', '_' and '-' made '_'. */
    private static String fileName(String text) {
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == '-';
            chars[i] = safe ? c : '_';
        }
        return new String(chars);
    }

    /** One file per class and original: {@code jdk.internal.net.http.HttpClientImpl-1a2b3c4d.woven}. */
    private Path file(String internalName, byte[] original) {
        CRC32C crc = new CRC32C();
        crc.update(original);
        return directory.resolve(internalName.replace('/', '.') + "-" + Long.toHexString(crc.getValue()) + ".woven");
    }

    /** Why {@code path} (a directory, or an entry) must not be trusted, or {@code null}. */
    private static String untrusted(Path path) throws IOException {
        if (!POSIX) {
            return null;
        }
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        String user = System.getProperty("user.name");
        if (!attributes.owner().getName().equals(user)) {
            return "owned by " + attributes.owner().getName() + ", not " + user;
        }
        if (attributes.permissions().stream().anyMatch(OTHERS_WRITE::contains)) {
            return "writable by others: " + PosixFilePermissions.toString(attributes.permissions());
        }
        return null;
    }

    private byte[] encode(byte[] original, Entry entry) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(original.length * 2 + 128);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeUTF(build);
        out.writeInt(original.length);
        out.write(original);
        if (entry.woven() != null) {
            out.writeByte(WOVEN);
            out.writeInt(entry.woven().length);
            out.write(entry.woven());
        } else {
            out.writeByte(REFUSED);
            out.writeUTF(entry.refusal());
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        return bytes.toByteArray();
    }

    /** The entry in {@code file}, or {@code null} unless its checksum, build and original all hold. */
    private Entry decode(byte[] file, byte[] original) throws IOException {
        if (file.length < 16) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(file, 0, file.length - Long.BYTES);
        if (crc.getValue() != ByteBuffer.wrap(file, file.length - Long.BYTES, Long.BYTES).getLong()) {
            return null;
        }
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(file, 0, file.length - Long.BYTES));
        if (in.readInt() != MAGIC || in.readInt() != FORMAT || !in.readUTF().equals(build)) {
            return null;
        }
        byte[] cachedOriginal = new byte[in.readInt()];
        in.readFully(cachedOriginal);
        if (!Arrays.equals(cachedOriginal, original)) {
            return null;
        }
        byte kind = in.readByte();
        if (kind == WOVEN) {
            byte[] woven = new byte[in.readInt()];
            in.readFully(woven);
            return new Entry(woven, null);
        }
        return kind == REFUSED ? new Entry(null, in.readUTF()) : null;
    }
}
