package dev.jmesh.control.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;

/**
 * How an agent's link behaves.
 *
 * @param servers        {@code host:port} of the control-plane replicas, tried in turn
 * @param workload       the agent's workload name, sent in HELLO
 * @param token          the bearer token, read at each connect (empty: none)
 * @param inboundPort    the port to register for the workload, 0 for none
 * @param pingInterval   a PING is sent after this long without a message from the server
 * @param deadAfter      the link is dropped after this long without any message from the server
 * @param connectTimeout bound on one TCP connect and on the wait for WELCOME
 * @param backoffBase    first reconnect delay bound; doubled per failure, full jitter
 * @param backoffMax     largest reconnect delay bound
 * @param log            where the link's few lines go
 * @param labels         the labels the registered endpoint carries (e.g. {@code version}), for subsets
 * @param zone           the registered endpoint's zone, "" for none
 * @param identity       the SPIFFE ID the inbound port proves over mutual TLS, "" when it speaks plaintext
 * @param tls            the link's TLS, asked at each connect (it verifies the replica and presents this
 *                       workload's certificate once it has one); null for plaintext, to loopback servers only
 */
public record LinkOptions(List<String> servers, String workload, Supplier<String> token, int inboundPort,
                          Duration pingInterval, Duration deadAfter, Duration connectTimeout,
                          Duration backoffBase, Duration backoffMax, Consumer<String> log, Map<String, String> labels,
                          String zone, String identity, Supplier<SSLSocketFactory> tls) {

    public LinkOptions {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no control servers");
        }
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(log, "log");
        labels = Map.copyOf(labels);
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(identity, "identity");
    }

    /** Defaults: PING after 5 s of silence, dead after 15 s, connect within 2 s, backoff 100 ms .. 5 s. */
    public static LinkOptions defaults(List<String> servers, String workload, Supplier<String> token, int inboundPort,
                                       Consumer<String> log) {
        return new LinkOptions(servers, workload, token, inboundPort, Duration.ofSeconds(5), Duration.ofSeconds(15),
                Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofSeconds(5), log, Map.of(), "", "", null);
    }

    /** These options, the registered endpoint carrying {@code labels}, {@code zone} and {@code identity}. */
    public LinkOptions withEndpoint(Map<String, String> labels, String zone, String identity) {
        return new LinkOptions(servers, workload, token, inboundPort, pingInterval, deadAfter, connectTimeout,
                backoffBase, backoffMax, log, labels, zone, identity, tls);
    }

    /** These options over TLS. */
    public LinkOptions withTls(Supplier<SSLSocketFactory> tls) {
        return new LinkOptions(servers, workload, token, inboundPort, pingInterval, deadAfter, connectTimeout,
                backoffBase, backoffMax, log, labels, zone, identity, tls);
    }
}
