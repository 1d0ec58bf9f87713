package dev.jmesh.benchmarks.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** What the figures were measured on, for the reports' header. */
record Machine(String cpuModel, int cores, String memory, String jdk, String os, String date) {

    static Machine describe(Path javaBin) {
        String model = "?";
        int processors = 0;
        try {
            List<String> cpuinfo = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : cpuinfo) {
                if (line.startsWith("model name") && model.equals("?")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                }
                if (line.startsWith("processor")) {
                    processors++;
                }
            }
        } catch (IOException e) {
            // not Linux: leave it unknown
        }
        String memory = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    memory = String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException e) {
            // unknown
        }
        int cores = Runtime.getRuntime().availableProcessors();
        String cpu = model + (processors > 0 && processors != cores ? " (" + processors + " CPUs in /proc/cpuinfo)" : "");
        String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vm.vendor") + ", " + javaBin + ")";
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
        String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        return new Machine(cpu, cores, memory, jdk, os, date);
    }
}
