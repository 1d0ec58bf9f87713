package dev.jmesh.control.server;

import dev.jmesh.control.ca.MeshCa;
import dev.jmesh.control.protocol.HostPort;
import dev.jmesh.control.registry.InMemoryRegistry;
import dev.jmesh.control.registry.Registry;
import dev.jmesh.control.registry.ZooKeeperRegistry;
import dev.jmesh.pki.IdentityException;
import dev.jmesh.policy.Durations;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar jmesh-control.jar --listen 127.0.0.1:15010 --config DIR [--zookeeper HOST:PORT]
 * [--token-file FILE] [--session-timeout 10s] [--ping-interval 5s] [--dead-after 15s]
 * [--report-interval 5s] [--metrics HOST:PORT] [--ca DIR --identity-tokens DIR [--certificate-lifetime 24h]]}, or {@code java -jar jmesh-control.jar check DIR}
 * (see {@link CheckCommand}), or {@code java -jar jmesh-control.jar rollouts [start|abort SERVICE]}
 * (see {@link RolloutsCommand}).
 */
public final class ControlMain {

    static final String USAGE = "usage: java -jar jmesh-control.jar --listen HOST:PORT --config DIR"
            + " [--zookeeper HOST:PORT[,HOST:PORT...]] [--token-file FILE] [--session-timeout 10s]"
            + " [--ping-interval 5s] [--dead-after 15s] [--report-interval 5s] [--metrics HOST:PORT]\n"
            + "       [--ca DIR --identity-tokens DIR [--certificate-lifetime 24h]]\n"
            + "   or: java -jar jmesh-control.jar check DIR\n"
            + "   or: " + RolloutsCommand.USAGE;
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

    private ControlMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("check")) {
            System.exit(CheckCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
            return;
        }
        if (args.length > 0 && args[0].equals("rollouts")) {
            System.exit(RolloutsCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
            return;
        }
        // ZooKeeper's client logs through SLF4J: warnings and errors only.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        String listen = null;
        String configDir = null;
        String zookeeper = null;
        String tokenFile = null;
        Duration sessionTimeout = Duration.ofSeconds(10);
        Duration ping = Duration.ofSeconds(5);
        Duration deadAfter = Duration.ofSeconds(15);
        Duration report = Duration.ofSeconds(5);
        String metrics = null;
        String caDir = null;
        String tokensDir = null;
        Duration lifetime = MeshCa.DEFAULT_LIFETIME;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("-h") || arg.equals("--help")) {
                    System.out.println(USAGE);
                    return;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + arg);
                }
                String value = args[++i];
                switch (arg) {
                    case "--listen" -> listen = value;
                    case "--config" -> configDir = value;
                    case "--zookeeper" -> zookeeper = value;
                    case "--token-file" -> tokenFile = value;
                    case "--session-timeout" -> sessionTimeout = duration(arg, value);
                    case "--ping-interval" -> ping = duration(arg, value);
                    case "--dead-after" -> deadAfter = duration(arg, value);
                    case "--report-interval" -> report = duration(arg, value);
                    case "--metrics" -> metrics = value;
                    case "--ca" -> caDir = value;
                    case "--identity-tokens" -> tokensDir = value;
                    case "--certificate-lifetime" -> lifetime = duration(arg, value);
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (listen == null || configDir == null) {
                throw new IllegalArgumentException("--listen and --config are required");
            }
            if ((caDir == null) != (tokensDir == null)) {
                throw new IllegalArgumentException("--ca and --identity-tokens go together: the CA signs for the"
                        + " identities the tokens entitle to");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("jmesh-control: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        String token = null;
        if (tokenFile != null) {
            token = Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                fail("token file " + tokenFile + " is empty");
            }
        }
        MeshCa ca = null;
        if (caDir != null) {
            try {
                ca = MeshCa.open(Path.of(caDir), Path.of(tokensDir), lifetime, ControlMain::log);
            } catch (IdentityException e) {
                fail("--ca " + caDir + ": " + e.getMessage());
                return;
            }
        }
        Registry registry = zookeeper == null ? new InMemoryRegistry()
                : new ZooKeeperRegistry(zookeeper, sessionTimeout, ControlMain::log);
        ControlPlane plane;
        try {
            plane = ControlPlane.start(address(listen), Path.of(configDir), registry,
                    new ControlPlane.Options(token, ping, deadAfter, report, zookeeper, sessionTimeout, ca),
                    ControlMain::log);
        } catch (IOException | IllegalArgumentException e) {
            registry.close();
            fail(e.getMessage());
            return;
        }
        MetricsEndpoint endpoint = null;
        if (metrics != null) {
            try {
                endpoint = MetricsEndpoint.start(address(metrics), plane);
            } catch (IOException | IllegalArgumentException e) {
                plane.close();
                fail("--metrics " + metrics + ": " + e.getMessage());
                return;
            }
        }
        log("listening on " + listen.substring(0, listen.lastIndexOf(':')) + ":" + plane.port() + ", config " + configDir
                + ", registry " + registry.describe() + (token == null ? ", no token" : ", token required")
                + (ca == null ? "; warning: plaintext link (no --ca), for agents on this machine only" : ", TLS link, CA for " + ca.trustDomain() + " (tokens " + tokensDir + ", leaves "
                        + Durations.format(lifetime) + ")")
                + (endpoint == null ? "" : ", metrics on http://" + metrics + "/metrics"));
        MetricsEndpoint started = endpoint;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (started != null) {
                started.close();
            }
            plane.close(); // closing the ZooKeeper session removes this replica's endpoints at once
            stopped.countDown();
        }, "jmesh-control-stop"));
        stopped.await();
    }

    static InetSocketAddress address(String hostPort) {
        InetSocketAddress written = HostPort.parse(hostPort, true);
        return new InetSocketAddress(written.getHostString(), written.getPort());
    }

    private static Duration duration(String option, String value) {
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad " + option + " '" + value + "': expected e.g. 500ms or 10s");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    static void log(String line) {
        System.err.println("jmesh-control: " + line);
    }

    private static void fail(String message) {
        log(message);
        System.exit(1);
    }
}
