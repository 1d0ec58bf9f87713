package dev.jmesh.benchmarks.e2e;

import java.time.Duration;
import java.time.Instant;

/**
 * The tiny app of the start-up measurement: it prints when {@code main} began and exits. The
 * orchestrator runs it with no agent, with the jmesh agent and with the OpenTelemetry agent.
 *
 * <pre>STARTUP-RESULT to_main_ms=.. main_epoch_us=..</pre>
 * {@code to_main_ms} is {@code main}'s first instant minus the process start time the JDK
 * reports ({@code ProcessHandle.current().info().startInstant()}); {@code main_epoch_us} lets
 * the orchestrator measure from the moment it spawned the process, on the same clock.
 */
public final class StartupProbe {

    private StartupProbe() {
    }

    public static void main(String[] args) {
        Instant mainStart = Instant.now();
        Instant processStart = ProcessHandle.current().info().startInstant().orElse(mainStart);
        long toMainMicros = Duration.between(processStart, mainStart).toNanos() / 1000;
        long epochMicros = mainStart.getEpochSecond() * 1_000_000L + mainStart.getNano() / 1000;
        System.out.println("STARTUP-RESULT to_main_ms=" + toMainMicros / 1000.0 + " main_epoch_us=" + epochMicros);
    }
}
