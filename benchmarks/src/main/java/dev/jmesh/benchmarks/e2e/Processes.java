package dev.jmesh.benchmarks.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every process the orchestrator starts goes through here: each is written to
 * {@code WORK/pids} as {@code pid starttime} (the start time in clock ticks from
 * {@code /proc/PID/stat}, so that the script's trap can tell it from a later process that got
 * the same pid), and whatever is still running when the JVM exits is stopped by a shutdown hook.
 */
final class Processes {

    private final Path work;
    private final Path pidFile;
    private final Path log;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    Processes(Path work) {
        this.work = work;
        this.pidFile = work.resolve("pids");
        this.log = work.resolve("processes.log");
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "perf-e2e-cleanup"));
    }

    Path work() {
        return work;
    }

    /** Starts a long-running process; its output goes to {@code WORK/NAME.out}. */
    Process startServer(String name, List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".out").toFile());
        isolate(builder, Map.of());
        Process process = builder.start();
        track(process);
        return process;
    }

    /** Records a process (and, later, its children) for the trap. */
    void track(Process process) {
        running.add(process);
        recordPid(process.pid());
    }

    /** Records the current children of a server (nginx's worker) for the trap. */
    void trackDescendants(Process process) {
        process.descendants().forEach(child -> recordPid(child.pid()));
    }

    /** What a finished short-lived process printed. */
    record Run(int exitCode, List<String> stdout, String stderr, long spawnEpochMicros, long wallNanos) {
        String line(String prefix) {
            return stdout.stream().filter(l -> l.startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + prefix + " line; exit " + exitCode
                            + ", stdout " + stdout + ", stderr " + stderr));
        }
    }

    /** Runs a process to completion (or kills it after {@code timeoutSeconds}). */
    Run run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        return run(command, Map.of(), timeoutSeconds);
    }

    /** The same, with {@code environment} added to this process's own. */
    Run run(List<String> command, Map<String, String> environment, long timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        isolate(builder, environment);
        Path err = Files.createTempFile(work, "stderr", ".txt");
        builder.redirectError(err.toFile());
        long spawnMicros = epochMicros();
        long t0 = System.nanoTime();
        Process process = builder.start();
        track(process);
        try {
            List<String> out = new ArrayList<>();
            Thread pump = new Thread(() -> {
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = reader.readLine()) != null; ) {
                        synchronized (out) {
                            out.add(line);
                        }
                    }
                } catch (IOException ignored) {
                    // process gone
                }
            }, "perf-e2e-stdout");
            pump.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + command);
            }
            long wall = System.nanoTime() - t0;
            pump.join(10_000);
            String stderr = Files.readString(err);
            Files.writeString(log, "$ " + String.join(" ", command) + "\n" + stderr, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            synchronized (out) {
                return new Run(process.exitValue(), List.copyOf(out), stderr, spawnMicros, wall);
            }
        } finally {
            running.remove(process);
            Files.deleteIfExists(err);
        }
    }

    /** Keeps the caller's JVM options and agent config out of a process, whatever it runs. */
    private void isolate(ProcessBuilder builder, Map<String, String> environment) {
        // The agents' weave cache lives in the work directory, which the script removes.
        builder.environment().put("JMESH_CACHE", work.resolve("weave-cache").toString());
        builder.environment().putAll(environment);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JMESH_CONFIG");
    }

    /** Stops a server: SIGTERM, then SIGKILL for it and its children after 5 s. */
    void stop(Process process) {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        running.remove(process);
    }

    private void stopAll() {
        for (Process process : List.copyOf(running)) {
            stop(process);
        }
    }

    private void recordPid(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            Files.writeString(pidFile, pid + " " + fields[19] + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            // already gone: nothing for the trap to stop
        }
    }

    /** User plus system CPU time of a process and its children (nginx's worker), in ns; -1 if unknown. */
    static long cpuNanos(long pid) {
        long ticks = cpuTicks(pid);
        for (ProcessHandle child : ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(List.of())) {
            ticks += Math.max(0, cpuTicks(child.pid()));
        }
        return ticks < 0 ? -1 : ticks * (1_000_000_000L / clockTicksPerSecond());
    }

    /**
     * The machine's CPU time from the {@code cpu} line of {@code /proc/stat}, in clock ticks:
     * {@code {all, steal}}, where steal is time the hypervisor ran something else while this
     * machine's CPUs wanted to run; {@code {0, 0}} if unknown.
     */
    static long[] machineCpuTicks() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split(" +");
                    long all = 0;
                    for (int i = 1; i < f.length && i <= 8; i++) { // user..steal; guest is inside user
                        all += Long.parseLong(f[i]);
                    }
                    return new long[] {all, f.length > 8 ? Long.parseLong(f[8]) : 0};
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return new long[] {0, 0};
    }

    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long clockTicksPerSecond() {
        return 100; // USER_HZ on Linux, for every architecture the JDK runs on
    }

    static long epochMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }
}
