package dev.jmesh.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test hosts for real network faults: network namespaces this test makes, each joined to this
 * one by its own veth link. Host {@code i} is {@code 198.18.i.2} and this side of its link
 * {@code 198.18.i.1}: RFC 2544's benchmarking range, and the only addresses a fault test sends
 * to. Faults are what a network does, made by nftables inside the host: silence (every
 * packet dropped, no reset) or refusal (a TCP reset for every segment). Loopback cannot show
 * either: a dead process there answers with a reset at once.
 *
 * <p>Needs root, {@code ip} and {@code nft} ({@code scripts/install-test-deps.sh} installs
 * nftables); {@link #unavailable()} says why not, for the tests to skip with that one line.
 * {@link #close()} removes the namespaces, their links and every process started in them.
 */
final class TestHosts implements AutoCloseable {

    private static final String PREFIX = "jmesh-t";
    private static final String FAULT_TABLE = "jmesh_fault";

    private final List<Host> hosts = new ArrayList<>();

    private TestHosts() {}

    /** Why test hosts cannot be made here, or null when they can. */
    static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network fault tests need root (they make network namespaces): skipped";
        }
        for (String tool : List.of("/usr/sbin/ip", "/usr/sbin/nft")) {
            if (!new java.io.File(tool).canExecute()) {
                return "network fault tests need " + tool + " (scripts/install-test-deps.sh installs it): skipped";
            }
        }
        return null;
    }

    /** Hosts 1..count, made fresh (a namespace of ours left by a killed run is removed first). */
    static TestHosts create(int count) throws IOException, InterruptedException {
        TestHosts made = new TestHosts();
        try {
            for (int i = 1; i <= count; i++) {
                made.hosts.add(Host.make(i));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            made.close();
            throw e;
        }
        return made;
    }

    Host host(int i) {
        return hosts.get(i - 1);
    }

    @Override
    public void close() {
        for (Host host : hosts) {
            host.remove();
        }
        hosts.clear();
    }

    /** One test host: its namespace, its address, and the processes running in it. */
    static final class Host {
        final int index;
        final String namespace;
        final String address;
        private final String link;
        private final List<AppJvm> processes = new ArrayList<>();

        private Host(int index) {
            this.index = index;
            this.namespace = PREFIX + index;
            this.address = "198.18." + index + ".2";
            this.link = PREFIX + index + "v";
        }

        static Host make(int index) throws IOException, InterruptedException {
            Host host = new Host(index);
            host.remove();
            ip("netns", "add", host.namespace);
            ip("link", "add", host.link, "type", "veth", "peer", "name", "eth0", "netns", host.namespace);
            ip("addr", "add", "198.18." + index + ".1/24", "dev", host.link);
            ip("link", "set", host.link, "up");
            ip("-n", host.namespace, "addr", "add", host.address + "/24", "dev", "eth0");
            ip("-n", host.namespace, "link", "set", "eth0", "up");
            ip("-n", host.namespace, "link", "set", "lo", "up");
            return host;
        }

        /** {@code host:port} on this host. */
        String at(int port) {
            return address + ":" + port;
        }

        /** Starts a JVM inside this host; it is killed when the hosts close. */
        AppJvm run(AppJvm.Builder jvm, String mainClass, List<String> args) throws IOException {
            return started(jvm.inNamespace(namespace).run(mainClass, args));
        }

        /** {@code java -jar JAR ARGS} inside this host; killed when the hosts close. */
        AppJvm runJar(AppJvm.Builder jvm, Path jar, String... args) throws IOException {
            return started(jvm.inNamespace(namespace).runJar(jar, args));
        }

        private AppJvm started(AppJvm process) {
            processes.add(process);
            return process;
        }

        /** Every packet in or out dropped, no reset: a crashed VM, a partition. */
        void goSilent() throws IOException, InterruptedException {
            fault("policy drop;");
        }

        /** Every TCP segment answered with a reset: a host up, with nothing listening. */
        void refuse() throws IOException, InterruptedException {
            nft("add", "table", "inet", FAULT_TABLE);
            nft("add", "chain", "inet", FAULT_TABLE, "in", "{ type filter hook input priority 0; policy accept; }");
            nft("add", "rule", "inet", FAULT_TABLE, "in", "meta", "l4proto", "tcp", "reject", "with", "tcp", "reset");
        }

        /** The network works again (this host's rules are only the faults). */
        void heal() throws IOException, InterruptedException {
            nft("flush", "ruleset");
        }

        private void fault(String policy) throws IOException, InterruptedException {
            nft("add", "table", "inet", FAULT_TABLE);
            nft("add", "chain", "inet", FAULT_TABLE, "in", "{ type filter hook input priority 0; " + policy + " }");
            nft("add", "chain", "inet", FAULT_TABLE, "out", "{ type filter hook output priority 0; " + policy + " }");
        }

        private void nft(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("/usr/sbin/ip", "netns", "exec", namespace, "/usr/sbin/nft"));
            command.addAll(List.of(args));
            exec(command);
        }

        private void remove() {
            for (AppJvm process : processes) {
                try {
                    process.kill(); // SIGKILL ends a stopped process too
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            processes.clear();
            try {
                if (exists()) {
                    ip("netns", "del", namespace); // takes the veth pair with it
                }
                awaitLinkGone();
            } catch (IOException e) {
                throw new IllegalStateException("cannot remove test host " + namespace, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private boolean exists() throws IOException, InterruptedException {
            return exec(List.of("/usr/sbin/ip", "netns", "list")).lines()
                    .anyMatch(line -> line.equals(namespace) || line.startsWith(namespace + " "));
        }

        /** The kernel removes a deleted namespace's links asynchronously; the next test may reuse the name. */
        private void awaitLinkGone() throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (status(List.of("/usr/sbin/ip", "link", "show", link)) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("link " + link + " still there 10 s after its namespace was removed");
                }
                Thread.sleep(20);
            }
        }
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/sbin/ip"));
        command.addAll(List.of(args));
        exec(command);
    }

    /** Runs a command; its output, or an IOException with what it printed when it fails. */
    private static String exec(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
        return output;
    }

    private static int status(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor();
    }
}
