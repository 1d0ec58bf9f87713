package dev.jmesh.control.protocol;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The messages of the control link (see {@code docs/CONTROL-PROTOCOL.md}). Each is one frame;
 * {@link Frames} encodes and decodes them.
 */
public sealed interface Message {

    /**
     * Agent to server, first frame of a link: who it is and what it has, and what its
     * registered endpoint is to carry: labels (e.g. {@code version}) that subsets select on,
     * a zone ("" for none), and the SPIFFE ID its port proves over mutual TLS ("" when the port
     * speaks plaintext), so that callers are pushed mutual TLS to it.
     */
    record Hello(String workload, String token, String version, int inboundPort, Map<String, String> labels,
                 String zone, String identity) implements Message {
        public Hello {
            Objects.requireNonNull(workload, "workload");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(version, "version");
            labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(identity, "identity");
        }

        /** Without labels, a zone or an identity. */
        public Hello(String workload, String token, String version, int inboundPort) {
            this(workload, token, version, inboundPort, Map.of(), "", "");
        }
    }

    /**
     * Server to agent, the answer to a good HELLO: which replica, its current snapshot version,
     * and how often the agent is to send a {@link Report} (0: never).
     */
    record Welcome(String server, String version, long reportMillis) implements Message {
        public Welcome {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(version, "version");
        }
    }

    /** Server to agent: the services it pushes, as a YAML document with one key, {@code services:}. */
    record Snapshot(String version, String yaml) implements Message {
        public Snapshot {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(yaml, "yaml");
        }
    }

    /** Agent to server: this snapshot version is in effect. */
    record Ack(String version) implements Message {
        public Ack {
            Objects.requireNonNull(version, "version");
        }
    }

    /** Agent to server: this snapshot version was rejected for this reason; the previous one stays. */
    record Nack(String version, String error) implements Message {
        public Nack {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(error, "error");
        }
    }

    /** Either side: are you there? Answered with {@link Pong}. */
    record Ping() implements Message {}

    /** Either side: the answer to a {@link Ping}. */
    record Pong() implements Message {}

    /** Agent to server: shutting down cleanly; deregister me now. */
    record Goodbye() implements Message {}

    /**
     * Agent to server, every WELCOME's report interval: what its calls to each subset did since
     * its last report, one {@link SubsetSummary} line each (at most {@link Frames#MAX_REPORT_LINES}).
     */
    record Report(String summaries) implements Message {
        public Report {
            Objects.requireNonNull(summaries, "summaries");
        }
    }

    /** An operator's command line to a replica, instead of HELLO: e.g. {@code rollouts}, {@code abort orders}. */
    record Command(String token, String command) implements Message {
        public Command {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(command, "command");
        }
    }

    /** Server to operator: the answer to a {@link Command}; the server closes the connection after it. */
    record Reply(boolean ok, String text) implements Message {
        public Reply {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * Agent to server: a PKCS#10 request (PEM) for the SPIFFE ID the link's token stands for,
     * with a key the agent made and keeps.
     */
    record Csr(String pem) implements Message {
        public Csr {
            Objects.requireNonNull(pem, "pem");
        }
    }

    /**
     * Server to agent: certificates (PEM). The first {@code chain} of them are the agent's new
     * chain (leaf first; 0 when the server only says the trust bundle changed), the rest the trust
     * bundle. Or, when not {@code ok}, why the request was refused ({@code text}).
     */
    record Certificates(boolean ok, int chain, String text) implements Message {
        public Certificates {
            Objects.requireNonNull(text, "text");
            if (chain < 0) {
                throw new IllegalArgumentException("chain " + chain);
            }
        }
    }

    /** Server to agent, before closing the link: why (bad token, protocol error). */
    record Error(String reason) implements Message {
        public Error {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
