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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The policy files of {@code --config DIR}: every {@code *.yaml} and {@code *.yml} directly in
 * it (names starting with '.' ignored, so editors' and atomic writers' temporary files are not
 * read half-written), read in name order. Each holds {@code services:} in the policy file's
 * schema, and together they are the services every agent gets; or {@code rollouts:}, the
 * rollouts of those services (see {@link #rollouts}).
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
        List<RolloutConfig> accepted = rollouts(rollouts, merged, notice);
        lastNotices = notices;
        return new Contents(services, accepted);
    }

    /**
     * The rollouts that fit the services, in file order. Each refused one is told to {@code
     * refused} at its line and column: a service no file defines, a subset its service does not
     * have, a second rollout of one service (the first stays).
     */
    static List<RolloutConfig> rollouts(Map<Path, List<RolloutConfig>> byFile, Map<String, NodeTuple> services,
                                        Consumer<String> refused) {
        List<RolloutConfig> accepted = new ArrayList<>();
        Map<String, Path> declaredIn = new HashMap<>();
        byFile.forEach((file, rollouts) -> rollouts.forEach(rollout -> {
            String service = rollout.service();
            Path first = declaredIn.get(service);
            if (first != null) {
                refused.accept(at(file, rollout.at().service()) + "a rollout of '" + service + "' is already declared in "
                        + first.getFileName() + "; this one is refused");
                return;
            }
            NodeTuple policy = services.get(service);
            if (policy == null) {
                refused.accept(at(file, rollout.at().service()) + "unknown service '" + service
                        + "': no policy file of this directory defines it; the rollout is refused");
                return;
            }
            Set<String> subsets = subsets(policy.getValueNode());
            for (String subset : List.of(rollout.from(), rollout.to())) {
                if (!subsets.contains(subset)) {
                    refused.accept(at(file, subset.equals(rollout.from()) ? rollout.at().from() : rollout.at().to())
                            + "unknown subset '" + subset + "' of service '" + service + "' (it has: "
                            + (subsets.isEmpty() ? "none" : String.join(", ", subsets)) + "); the rollout is refused");
                    return;
                }
            }
            if (routeNames(policy.getValueNode()).contains(Snapshots.ROLLOUT_ROUTE)) {
                refused.accept(at(file, rollout.at().service()) + "service '" + service + "' has a route named '"
                        + Snapshots.ROLLOUT_ROUTE + "', the name the rollout's own route takes; the rollout is refused");
                return;
            }
            declaredIn.put(service, file);
            accepted.add(rollout);
        }));
        return accepted;
    }

    private static String at(Path file, RolloutConfig.Position position) {
        return file + ":" + position.line() + ":" + position.column() + ": ";
    }

    /** The names of a service policy's {@code subsets}, in file order. */
    private static Set<String> subsets(Node policy) {
        Set<String> names = new LinkedHashSet<>();
        if (value(policy, "subsets") instanceof MappingNode subsets) {
            for (NodeTuple t : subsets.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode key) {
                    names.add(key.getValue());
                }
            }
        }
        return names;
    }

    private static Set<String> routeNames(Node policy) {
        Set<String> names = new HashSet<>();
        if (value(policy, "routes") instanceof SequenceNode routes) {
            for (Node route : routes.getValue()) {
                if (value(route, "name") instanceof ScalarNode name) {
                    names.add(name.getValue());
                }
            }
        }
        return names;
    }

    private static Node value(Node mapping, String key) {
        if (mapping instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return t.getValueNode();
                }
            }
        }
        return null;
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
