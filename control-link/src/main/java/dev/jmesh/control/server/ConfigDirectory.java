package dev.jmesh.control.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The policy files of {@code --config DIR}: every {@code *.yaml} and {@code *.yml} directly in
 * it (names starting with '.' ignored, so editors' and atomic writers' temporary files are not
 * read half-written), read in name order. Each holds {@code services:} in the policy file's
 * schema; together they are the services every agent gets.
 *
 * <p>This side checks only what it needs to serve them: well-formed YAML whose one top-level key
 * is {@code services}, a mapping of names to mappings. The policy itself (endpoints, balancers,
 * durations...) is validated by each agent with its own strict parser, which NACKs what it
 * rejects; a file that cannot be read or has the wrong shape is logged and its last good
 * content is kept. Changes are noticed through the file system's watch service and, as a
 * fallback, a scan of names, sizes and modification times every 250 ms.
 */
final class ConfigDirectory implements AutoCloseable {

    private static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

    private final Path dir;
    private final Consumer<Map<String, Object>> onChange;
    private final Consumer<String> log;
    private final Map<Path, Map<String, Object>> lastGood = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;
    private WatchService watch;
    private Map<Path, String> fingerprint = Map.of();
    private String lastProblem;

    ConfigDirectory(Path dir, Consumer<Map<String, Object>> onChange, Consumer<String> log) {
        this.dir = dir;
        this.onChange = onChange;
        this.log = log;
        this.thread = new Thread(this::run, "jmesh-control-config");
        this.thread.setDaemon(true);
    }

    /** Loads the directory once (calling {@code onChange}), then watches it. */
    Map<String, Object> start() throws IOException {
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
        Map<String, Object> services = load();
        thread.start();
        return services;
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

    /** Every file's services, merged in file-name order; a name defined twice keeps its first definition. */
    Map<String, Object> load() throws IOException {
        Map<String, Object> services = new LinkedHashMap<>();
        Map<String, Path> definedIn = new HashMap<>();
        List<Path> files = files();
        lastGood.keySet().retainAll(files);
        for (Path file : files) {
            Map<String, Object> fileServices = read(file);
            if (fileServices == null) {
                fileServices = lastGood.getOrDefault(file, Map.of());
            } else {
                lastGood.put(file, fileServices);
            }
            for (Map.Entry<String, Object> e : fileServices.entrySet()) {
                Path first = definedIn.putIfAbsent(e.getKey(), file);
                if (first != null) {
                    log.accept(file + ": service '" + e.getKey() + "' is already defined in " + first.getFileName()
                            + "; this one is ignored");
                    continue;
                }
                services.put(e.getKey(), e.getValue());
            }
        }
        return services;
    }

    /** One file's services, or null (logged) when it cannot be used. */
    private Map<String, Object> read(Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                log.accept(file + ": larger than " + MAX_FILE_BYTES + " bytes; keeping its last good content");
                return null;
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Object doc = yaml().load(text);
            if (doc == null) {
                return Map.of();
            }
            if (!(doc instanceof Map<?, ?> root)) {
                log.accept(file + ": expected a mapping with 'services:'; keeping its last good content");
                return null;
            }
            for (Object key : root.keySet()) {
                if (!"services".equals(key)) {
                    log.accept(file + ": unknown key '" + key + "' (a config directory file holds only services:);"
                            + " keeping its last good content");
                    return null;
                }
            }
            Object services = root.get("services");
            if (services == null) {
                return Map.of();
            }
            if (!(services instanceof Map<?, ?> map)) {
                log.accept(file + ": 'services' must be a mapping; keeping its last good content");
                return null;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof Map)) {
                    log.accept(file + ": service '" + e.getKey() + "' must be a name with a mapping;"
                            + " keeping the file's last good content");
                    return null;
                }
                out.put(name, e.getValue());
            }
            return out;
        } catch (IOException | RuntimeException e) {
            log.accept(file + ": " + String.valueOf(e.getMessage()).replaceAll("\\s+", " ")
                    + "; keeping its last good content");
            return null;
        }
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(50);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(50);
        options.setCodePointLimit((int) MAX_FILE_BYTES);
        return new Yaml(new SafeConstructor(options));
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
