package dev.jmesh.agent.health;

import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.policy.HealthCheckPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Active health checking: every {@code interval}, {@code GET path} on each endpoint over a
 * fresh connection. An endpoint that does not answer 2xx within {@code timeout} leaves
 * rotation until a probe succeeds. Endpoints start healthy, so traffic never waits for a
 * first round of probes.
 *
 * <p>Probes are plain blocking HTTP/1.1 on a thread of their own ("jmesh-health"), so a
 * slow endpoint delays only the next probe, never an ejection timer or an application call.
 */
public final class HealthChecker implements AutoCloseable {

    private static final ExecutorService PROBES = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "jmesh-health");
        thread.setDaemon(true);
        return thread;
    });

    private final HealthCheckPolicy policy;
    private final List<Endpoint> endpoints;
    private final String hostHeader;
    private final Runnable rotationChanged;
    private final MeshClock clock;
    private final MeshClock.Timer schedule;
    private volatile boolean closed;

    /** @param hostHeader the service name, sent as {@code Host} as an application call would */
    public HealthChecker(HealthCheckPolicy policy, List<Endpoint> endpoints, String hostHeader, Runnable rotationChanged,
                         MeshClock clock) {
        this.policy = policy;
        this.endpoints = List.copyOf(endpoints);
        this.hostHeader = hostHeader;
        this.rotationChanged = rotationChanged;
        this.clock = clock;
        this.schedule = clock.scheduleAtFixedRate(() -> PROBES.execute(this::probeAll), policy.interval().toNanos());
    }

    void probeAll() {
        boolean changed = false;
        for (Endpoint endpoint : endpoints) {
            boolean healthy = probe(endpoint);
            if (closed) {
                return; // replaced: the endpoint may live on in the next table, whose checker alone decides
            }
            if (healthy == endpoint.health().failingChecks()) {
                endpoint.health().failingChecks(!healthy);
                if (healthy) {
                    endpoint.enteredRotation(clock.nanoTime());
                }
                changed = true;
            }
        }
        if (changed) {
            rotationChanged.run();
        }
    }

    private boolean probe(Endpoint endpoint) {
        int timeout = (int) Math.max(1, policy.timeout().toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(endpoint.address(), timeout);
            socket.setSoTimeout(timeout);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + policy.path() + " HTTP/1.1\r\nHost: " + hostHeader
                    + "\r\nUser-Agent: jmesh-health-check\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return statusOf(socket.getInputStream()) / 100 == 2;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads {@code HTTP/1.x NNN} from the status line. */
    private static int statusOf(InputStream in) throws IOException {
        byte[] line = new byte[12];
        int read = 0;
        while (read < line.length) {
            int n = in.read(line, read, line.length - read);
            if (n < 0) {
                return -1;
            }
            read += n;
        }
        String status = new String(line, StandardCharsets.US_ASCII);
        if (!status.startsWith("HTTP/1.") || status.charAt(8) != ' ') {
            return -1;
        }
        try {
            return Integer.parseInt(status.substring(9, 12));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        closed = true;
        schedule.cancel();
    }
}
