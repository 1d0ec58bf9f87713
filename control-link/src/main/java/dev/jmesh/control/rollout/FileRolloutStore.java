package dev.jmesh.control.rollout;

import dev.jmesh.control.protocol.SubsetSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store of a replica without ZooKeeper: it always leads, its agents' sums are all there
 * are, and rollout states live in one file ({@code .rollouts.state} in the config directory,
 * hidden so the directory's reader skips it), replaced atomically at each write, so a restart
 * resumes where it stopped; the steps' counts so far live in {@code .rollouts.windows}.
 */
final class FileRolloutStore implements RolloutStore {

    static final String FILE = ".rollouts.state";
    static final String WINDOWS = ".rollouts.windows";
    private static final String SEPARATOR = "---\n";

    private final Path file;
    private final Path windowsFile;
    private Map<String, String> windows; // guarded by this
    private Map<String, Stored> states; // guarded by this
    private Map<String, SubsetSummary> totals = Map.of();

    FileRolloutStore(Path configDir) {
        this.file = configDir.resolve(FILE);
        this.windowsFile = configDir.resolve(WINDOWS);
    }

    @Override
    public synchronized Map<String, Stored> states() throws StoreException {
        if (states == null) {
            states = new TreeMap<>();
            try {
                if (Files.exists(file)) {
                    for (String part : Files.readString(file, StandardCharsets.UTF_8).split(SEPARATOR)) {
                        if (part.isBlank()) {
                            continue;
                        }
                        int newline = part.indexOf('\n');
                        states.put(part.substring("service=".length(), newline),
                                new Stored(RolloutState.decode(part.substring(newline + 1)), 0));
                    }
                }
            } catch (IOException | RuntimeException e) {
                states = null;
                throw new StoreException(file + ": " + e.getMessage(), e);
            }
        }
        return Map.copyOf(states);
    }

    @Override
    public synchronized boolean write(String service, RolloutState state, int version) throws StoreException {
        Map<String, Stored> now = new TreeMap<>(states());
        Stored current = now.get(service);
        if ((current == null ? -1 : current.version()) != version) {
            return false;
        }
        now.put(service, new Stored(state, version + 1));
        StringBuilder text = new StringBuilder();
        now.forEach((name, stored) -> text.append("service=").append(name).append('\n')
                .append(stored.state().encode()).append(SEPARATOR));
        replace(file, text.toString());
        states = now;
        return true;
    }

    @Override
    public synchronized void saveWindow(String service, String window) throws StoreException {
        windows().put(service, window);
        StringBuilder text = new StringBuilder();
        windows.forEach((name, w) -> text.append("service=").append(name).append('\n').append(w).append(SEPARATOR));
        replace(windowsFile, text.toString());
    }

    @Override
    public synchronized String window(String service) throws StoreException {
        return windows().get(service);
    }

    private Map<String, String> windows() throws StoreException {
        if (windows == null) {
            windows = new TreeMap<>();
            try {
                if (Files.exists(windowsFile)) {
                    for (String part : Files.readString(windowsFile, StandardCharsets.UTF_8).split(SEPARATOR)) {
                        int newline = part.indexOf('\n');
                        if (part.startsWith("service=") && newline > 0) {
                            windows.put(part.substring("service=".length(), newline), part.substring(newline + 1));
                        }
                    }
                }
            } catch (IOException e) {
                windows = null;
                throw new StoreException(windowsFile + ": " + e.getMessage(), e);
            }
        }
        return windows;
    }

    /** Replaces {@code target}'s content atomically: a crash leaves the old file or the new one. */
    private static void replace(Path target, String text) throws StoreException {
        try {
            Path temp = target.resolveSibling(target.getFileName() + ".tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StoreException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean leading() {
        return true;
    }

    @Override
    public synchronized void publish(Map<String, SubsetSummary> totals) {
        this.totals = totals;
    }

    @Override
    public synchronized Map<String, Map<String, SubsetSummary>> totals() {
        Map<String, Map<String, SubsetSummary>> all = new HashMap<>();
        all.put("this replica", totals);
        return all;
    }

    @Override
    public String describe() {
        return "state file " + file;
    }

    @Override
    public void close() {}
}
