package dev.jmesh.control.server;

import dev.jmesh.policy.RolloutConfig;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * The policy files of {@code --config DIR}: every {@code *.yaml} and {@code *.yml} directly in
 * it (names starting with '.' ignored, so editors' and atomic writers' temporary files are not
 * read half-written), read in name order. Each holds {@code services:} in the policy file's
 * schema, and together they are the services every agent gets; or {@code rollouts:}, the
 * rollouts of those services (see {@link RolloutFit}).
 *
 * <p>Each file is checked with the agent's own parser ({@link PolicyFile}): a file with any error
 * is refused whole and its last good content is kept. Its errors and warnings are logged at
 * their line and column once per content of the file, not at every re-read. Changes are noticed
 * through the file system's watch service and, as a fallback, a scan of names, sizes and
 * modification times every 250 ms.
 */
final class ConfigDirectory implements AutoCloseable {

    private final Path dir;
    private final Consumer<Contents> onChange;
    private final Consumer<String> log;
    private final Map<Path, Read> reads = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;
    private WatchService watch;
    private Map<Path, String> fingerprint = Map.of();
    private String lastProblem;
    private Set<String> lastNotices = Set.of();

    /** What the directory serves: every service's policy (a mapping node) by name, and the rollouts. */
    record Contents(Map<String, Node> services, List<RolloutConfig> rollouts) {}

    /**
     * A file's text as last read (null if it could not be), its check, and what is served for
     * it: its last good check, null if it never passed.
     */
    private record Read(String text, PolicyFile.Checked checked, PolicyFile.Checked served) {}

    ConfigDirectory(Path dir, Consumer<Contents> onChange, Consumer<String> log) {
        this.dir = dir;
        this.onChange = onChange;
        this.log = log;
        this.thread = new Thread(this::run, "jmesh-control-config");
        this.thread.setDaemon(true);
    }

    /** Loads the directory once (calling {@code onChange}), then watches it. */
    Contents start() throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("config directory not found: " + dir);
        }
        try {
            watch = FileSystems.getDefault().newWatchService();
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException | UnsupportedOperationException e) {
            log.accept("cannot watch " + dir + " (" + e.getMessage() + "); scanning it every 250 ms");
            watch = null;
        }
        fingerprint = fingerprint();
        Contents contents = load();
        thread.start();
        return contents;
    }

    private void run() {
        while (!closed) {
            try {
                boolean event = false;
                if (watch != null) {
                    WatchKey key = watch.poll(250, TimeUnit.MILLISECONDS);
                    if (key != null) {
                        event = true;
                        key.pollEvents();
                        key.reset();
                        Thread.sleep(20); // let a burst of writes settle
                    }
                } else {
                    Thread.sleep(250);
                }
                Map<Path, String> now = fingerprint();
                if (event || !now.equals(fingerprint)) {
                    fingerprint = now;
                    onChange.accept(load());
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (IOException | RuntimeException e) {
                String problem = "config directory " + dir + ": " + e.getMessage();
                if (!problem.equals(lastProblem)) { // once, not every 250 ms
                    log.accept(problem + "; serving its last good content");
                    lastProblem = problem;
                }
                continue;
            }
            lastProblem = null;
        }
    }

    private List<Path> files() throws IOException {
        return files(dir);
    }

    /** The policy files of {@code dir}, in name order. */
    static List<Path> files(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml")) && Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        }
        files.sort(null);
        return files;
    }

    private Map<Path, String> fingerprint() throws IOException {
        Map<Path, String> prints = new TreeMap<>();
        for (Path p : files()) {
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                prints.put(p, a.size() + "/" + a.lastModifiedTime().to(TimeUnit.NANOSECONDS) + "/" + a.fileKey());
            } catch (IOException gone) {
                // deleted between listing and reading
            }
        }
        return prints;
    }

    /**
     * Every file's services, merged in file-name order (a name defined twice keeps its first
     * definition), and the rollouts that fit them.
     */
    Contents load() throws IOException {
        List<Path> files = files();
        reads.keySet().retainAll(files);
        Map<Path, Map<String, NodeTuple>> served = new LinkedHashMap<>();
        Map<Path, List<RolloutConfig>> rollouts = new LinkedHashMap<>();
        for (Path file : files) {
            PolicyFile.Checked checked = read(file);
            served.put(file, checked == null ? Map.of() : checked.services());
            rollouts.put(file, checked == null ? List.of() : checked.rollouts());
        }
        Set<String> notices = new HashSet<>();
        Consumer<String> notice = line -> {
            notices.add(line);
            if (!lastNotices.contains(line)) { // once, not at every re-read
                log.accept(line);
            }
        };
        Map<String, NodeTuple> merged = merge(served, notice);
        Map<String, Node> services = new LinkedHashMap<>();
        merged.forEach((name, tuple) -> services.put(name, tuple.getValueNode()));
        List<RolloutConfig> accepted = RolloutFit.accepted(rollouts, merged, notice);
        lastNotices = notices;
        return new Contents(services, accepted);
    }

    /**
     * The services of every file, in order; a name defined twice keeps its first definition,
     * and each later one is told to {@code duplicate} at its line and column.
     */
    static Map<String, NodeTuple> merge(Map<Path, Map<String, NodeTuple>> byFile, Consumer<String> duplicate) {
        Map<String, NodeTuple> services = new LinkedHashMap<>();
        Map<String, Path> definedIn = new HashMap<>();
        byFile.forEach((file, fileServices) -> fileServices.forEach((name, tuple) -> {
            Path first = definedIn.putIfAbsent(name, file);
            if (first == null) {
                services.put(name, tuple);
                return;
            }
            Mark at = tuple.getKeyNode().getStartMark();
            duplicate.accept(file + ":" + (at.getLine() + 1) + ":" + (at.getColumn() + 1) + ": service '" + name
                    + "' is already defined in " + first.getFileName() + "; this one is ignored");
        }));
        return services;
    }

    /**
     * What to serve for {@code file}: what it holds now if it passes the check, otherwise its
     * last good content (null if it never passed). Problems are logged when they
     * change, so each once; an unchanged file is not checked again.
     */
    private PolicyFile.Checked read(Path file) {
        Read last = reads.get(file);
        String text = null;
        PolicyFile.Checked checked;
        try {
            text = PolicyFile.text(file);
            if (last != null && text.equals(last.text())) {
                return last.served();
            }
            checked = PolicyFile.check(file.toString(), text);
        } catch (IOException e) {
            checked = PolicyFile.unreadable(file, e);
        }
        PolicyFile.Checked served = checked.ok() ? checked : last == null ? null : last.served();
        List<String> report = checked.report();
        if (last == null || !report.equals(last.checked().report())) {
            report.forEach(log);
            if (!checked.ok()) {
                log.accept(file + ": refused (" + checked.errors().size() + " error(s)); "
                        + (served == null ? "nothing of it is served" : "keeping its last good content"));
            }
        }
        reads.put(file, new Read(text, checked, served));
        return served;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            if (watch != null) {
                watch.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
