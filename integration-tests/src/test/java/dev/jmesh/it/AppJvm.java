package dev.jmesh.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real JVM running one of the test applications, optionally with the agent. Its output is
 * collected line by line; it is killed on close if it is still running.
 */
final class AppJvm implements AutoCloseable {

    static final Path AGENT_JAR = Path.of(System.getProperty("jmesh.agent.jar"));
    static final Path APP_CLASSES = Path.of(System.getProperty("jmesh.app.classes"));
    static final Path LIBS = Path.of(System.getProperty("jmesh.libs"));
    /** The agents' weave cache for the whole suite: in the build directory, not the user's home. */
    static final Path WEAVE_CACHE = LIBS.resolveSibling("weave-cache");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
    private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    private final Thread[] pumps;

    private AppJvm(Process process) {
        this.process = process;
        this.pumps = new Thread[] {
            pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), stdout),
            pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), stderr)
        };
    }

    static Builder on(Jdk jdk) {
        return new Builder(jdk);
    }

    /** The class path of the test applications with one set of libraries from target/libs. */
    static String classPath(String... libSets) {
        List<String> entries = new ArrayList<>();
        entries.add(APP_CLASSES.toString());
        for (String set : libSets) {
            try (Stream<Path> jars = Files.list(LIBS.resolve(set))) {
                jars.sorted().forEach(jar -> entries.add(jar.toString()));
            } catch (IOException e) {
                throw new IllegalStateException("missing libraries " + LIBS.resolve(set), e);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    static String agentOption(Path policy) {
        return "-javaagent:" + AGENT_JAR + (policy == null ? "" : "=config=" + policy);
    }

    long pid() {
        return process.pid();
    }

    /** Blocks until a line on standard output matches. */
    String awaitLine(Predicate<String> match) throws InterruptedException {
        return awaitLine(stdout, match);
    }

    /** Blocks until a line on standard error matches. */
    String awaitErrorLine(Predicate<String> match) throws InterruptedException {
        return awaitLine(stderr, match);
    }

    /** What the JVM printed on standard error so far. */
    List<String> stderrLines() {
        synchronized (stderr) {
            return List.copyOf(stderr);
        }
    }

    /** What the JVM printed on standard output so far. */
    List<String> stdoutLines() {
        synchronized (stdout) {
            return List.copyOf(stdout);
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, and wait until it is gone: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGTERM, as an orchestrator stops a process: the shutdown hooks run. */
    void terminate() throws IOException, InterruptedException {
        signal("TERM");
    }

    /** SIGSTOP: the process stops, its sockets stay open, the kernel still accepts and acknowledges. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    private String awaitLine(List<String> lines, Predicate<String> match) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                for (String line : lines) {
                    if (match.test(line)) {
                        return line;
                    }
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no matching line; " + describe());
    }

    /** Blocks until {@code n} lines on standard output match. */
    void awaitLines(Predicate<String> match, int n) throws InterruptedException {
        awaitLines(stdout, match, n);
    }

    /** Blocks until {@code n} lines on standard error match. */
    void awaitErrorLines(Predicate<String> match, int n) throws InterruptedException {
        awaitLines(stderr, match, n);
    }

    private void awaitLines(List<String> lines, Predicate<String> match, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                if (lines.stream().filter(match).count() >= n) {
                    return;
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("fewer than " + n + " matching lines; " + describe());
    }

    void writeLine(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Waits for the JVM to exit and returns what it printed. */
    Result await() throws InterruptedException {
        if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("JVM did not exit within " + TIMEOUT + "; " + describe());
        }
        for (Thread pump : pumps) {
            pump.join(TIMEOUT.toMillis());
        }
        return new Result(process.exitValue(), List.copyOf(stdout), List.copyOf(stderr));
    }

    private String describe() {
        return "stdout=" + tail(stdout) + " stderr=" + tail(stderr);
    }

    private static List<String> tail(List<String> lines) {
        synchronized (lines) {
            return List.copyOf(lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private static Thread pump(BufferedReader reader, List<String> into) {
        Thread thread = new Thread(() -> {
            try (reader) {
                for (String line; (line = reader.readLine()) != null; ) {
                    into.add(line);
                }
            } catch (IOException ignored) {
                // The process is gone; what it printed is kept.
            }
        }, "app-jvm-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** What a finished JVM printed. */
    record Result(int exitCode, List<String> stdout, List<String> stderr) {

        /** Calls per backend name, for the calls to one URL. */
        Map<String, Integer> backendsFor(String url) {
            Map<String, Integer> counts = new HashMap<>();
            for (String line : stdout) {
                if (line.startsWith("RESULT " + url + " ")) {
                    counts.merge(field(line, "backend"), 1, Integer::sum);
                }
            }
            return counts;
        }

        /** The values a body field took in the calls to one URL, e.g. every {@code host=}. */
        List<String> fieldValues(String url, String field) {
            return stdout.stream()
                    .filter(line -> line.startsWith("RESULT " + url + " "))
                    .map(line -> field(line, field))
                    .distinct()
                    .collect(Collectors.toList());
        }

        /** Calls per response status, for the calls to one URL. */
        Map<Integer, Integer> statusesFor(String url) {
            Map<Integer, Integer> counts = new HashMap<>();
            for (String line : stdout) {
                if (line.startsWith("RESULT " + url + " ")) {
                    counts.merge(Integer.parseInt(line.split(" ")[2]), 1, Integer::sum);
                }
            }
            return counts;
        }

        /** Every RESULT and ERROR line for one URL, in order. */
        List<String> linesFor(String url) {
            return stdout.stream()
                    .filter(line -> line.startsWith("RESULT " + url + " ") || line.startsWith("ERROR " + url + " "))
                    .collect(Collectors.toList());
        }

        /** How long a call took, from its output line. */
        static long millis(String line) {
            return Long.parseLong(field(line, "ms"));
        }

        List<String> errors() {
            return stdout.stream().filter(line -> line.startsWith("ERROR ")).collect(Collectors.toList());
        }

        private static String field(String line, String name) {
            for (String part : line.split(" ")) {
                if (part.startsWith(name + "=")) {
                    return part.substring(name.length() + 1);
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return "exit=" + exitCode + " stdout(last)=" + tail(stdout) + " stderr=" + stderr;
        }
    }

    static final class Builder {
        private final Jdk jdk;
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> env = new HashMap<>();
        private String classPath;
        private String namespace;

        private Builder(Jdk jdk) {
            this.jdk = jdk;
            jvmOptions.add("-Djmesh.cache=" + WEAVE_CACHE); // a test's own -Djmesh.cache comes later and wins
        }

        Builder withAgent(Path policy) {
            jvmOptions.add(agentOption(policy));
            return this;
        }

        Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** Runs the JVM inside a network namespace (see {@link TestHosts}). */
        Builder inNamespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        Builder classPath(String classPath) {
            this.classPath = classPath;
            return this;
        }

        AppJvm run(String mainClass, List<String> args) throws IOException {
            List<String> tail = new ArrayList<>();
            if (classPath != null) {
                tail.add("-cp");
                tail.add(classPath);
            }
            tail.add(mainClass);
            tail.addAll(args);
            return start(tail);
        }

        /** Runs {@code java -jar jmesh-agent.jar ARGS}. */
        AppJvm runAgentCli(String... args) throws IOException {
            return runJar(AGENT_JAR, args);
        }

        /** Runs {@code java -jar JAR ARGS}. */
        AppJvm runJar(Path jar, String... args) throws IOException {
            List<String> tail = new ArrayList<>(List.of("-jar", jar.toString()));
            tail.addAll(List.of(args));
            return start(tail);
        }

        private AppJvm start(List<String> tail) throws IOException {
            List<String> command = new ArrayList<>();
            if (namespace != null) {
                command.addAll(List.of("/usr/sbin/ip", "netns", "exec", namespace)); // it execs the JVM: same pid
            }

            command.add(jdk.java().toString());
            command.addAll(jvmOptions);
            command.addAll(tail);
            ProcessBuilder builder = new ProcessBuilder(command);
            // Only what a test sets reaches the JVM: no agent or policy from the environment.
            builder.environment().remove("JAVA_TOOL_OPTIONS");
            builder.environment().remove("JMESH_CONFIG");
            builder.environment().putAll(env);
            return new AppJvm(builder.start());
        }
    }
}
