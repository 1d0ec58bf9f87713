package dev.jmesh.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The security sections: {@code identity:}, a service's {@code tls:}, and the mTLS part of
 * {@code inbound:}. Like the other readers, a section builds its record only if it added no
 * errors. Whether a policy that needs an identity has one is checked by {@link PolicyReader}
 * once the whole document is read.
 */
final class SecurityReader {

    private static final Pattern HOST_NAME =
            Pattern.compile("(?=.{1,253}$)([A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*");

    private final Problems problems;
    private final Nodes nodes;

    SecurityReader(Problems problems, Nodes nodes) {
        this.problems = problems;
        this.nodes = nodes;
    }

    // ---- identity ---------------------------------------------------------------------------

    IdentityConfig identity(KeyTable.Entry entry) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        String[] trustDomain = new String[1];
        String[] namespace = {IdentityConfig.DEFAULT_NAMESPACE};
        Path[] files = new Path[3];
        Path[] issuedFiles = new Path[1];
        Node[] issuedFilesKey = new Node[1];
        new KeyTable("identity")
                .required("trustDomain", e -> trustDomain[0] = trustDomain(e.value()))
                .optional("namespace", e -> namespace[0] = namespace(e.value()))
                .optional("certificate", e -> files[0] = nodes.path(e.value()))
                .optional("key", e -> files[1] = nodes.path(e.value()))
                .optional("trustBundle", e -> files[2] = nodes.path(e.value()))
                .optional("issuedFiles", e -> {
                    issuedFilesKey[0] = e.key();
                    issuedFiles[0] = nodes.path(e.value());
                })
                .walk(mapping, entry.key(), problems);
        int given = (files[0] == null ? 0 : 1) + (files[1] == null ? 0 : 1) + (files[2] == null ? 0 : 1);
        if (given == 1 || given == 2) {
            problems.error(entry.key(), "identity: certificate, key and trustBundle go together; leave all three out"
                    + " for a certificate issued by the control plane");
        } else if (given == 3 && issuedFilesKey[0] != null) {
            problems.error(issuedFilesKey[0], "issuedFiles is only used with a certificate issued by the control plane"
                    + " (no certificate, key and trustBundle)");
        }
        return problems.errorCount() == errorsBefore
                ? new IdentityConfig(trustDomain[0], namespace[0], files[0], files[1], files[2], issuedFiles[0]) : null;
    }

    private String trustDomain(Node node) {
        String text = nodes.string(node);
        if (text == null) {
            return null;
        }
        try {
            SpiffeId.trustDomainId(text);
            return text;
        } catch (IllegalArgumentException e) {
            problems.error(node, e.getMessage());
            return null;
        }
    }

    private String namespace(Node node) {
        String text = nodes.string(node);
        if (text != null && !Shapes.NAME.matches(text)) {
            problems.error(node, "bad namespace '" + text + "': use lower-case letters, digits, '-' and '.'");
            return null;
        }
        return text;
    }

    // ---- tls --------------------------------------------------------------------------------

    /**
     * A service's {@code tls:}: a policy for {@code mode: mutual} or {@code simple}, null for
     * {@code mode: disable} or on errors.
     */
    TlsPolicy tls(KeyTable.Entry entry, List<Node> needIdentity) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        String[] mode = new String[1];
        Map<String, Node> keys = new HashMap<>();
        String[] serverIdentity = new String[1];
        String[] sni = new String[1];
        Path[] ca = new Path[1];
        new KeyTable("tls")
                .required("mode", e -> mode[0] = tlsMode(e.value()))
                .optional("serverIdentity", e -> {
                    keys.put("serverIdentity", e.key());
                    serverIdentity[0] = spiffeId(e.value());
                })
                .optional("sni", e -> {
                    keys.put("sni", e.key());
                    sni[0] = hostName(e.value());
                })
                .optional("caCertificates", e -> {
                    keys.put("caCertificates", e.key());
                    ca[0] = nodes.path(e.value());
                })
                .walk(mapping, entry.key(), problems);
        if ("mutual".equals(mode[0])) {
            needIdentity.add(entry.key());
            if (!keys.containsKey("serverIdentity")) {
                problems.error(entry.key(), "tls mode mutual needs serverIdentity (the SPIFFE ID the service's endpoints"
                        + " present, e.g. spiffe://example.org/ns/default/sa/orders)");
            }
        }
        if (mode[0] != null) {
            for (String key : List.of("serverIdentity", "sni", "caCertificates")) {
                String needs = key.equals("serverIdentity") ? "mutual" : "simple";
                if (keys.containsKey(key) && !mode[0].equals(needs)) {
                    problems.error(keys.get(key), key + " is only used with tls mode " + needs);
                }
            }
        }
        if (problems.errorCount() != errorsBefore || mode[0] == null || mode[0].equals("disable")) {
            return null;
        }
        return mode[0].equals("mutual") ? TlsPolicy.mutual(serverIdentity[0]) : TlsPolicy.simple(sni[0], ca[0]);
    }

    private String tlsMode(Node node) {
        String text = nodes.string(node);
        if (text != null && !text.equals("mutual") && !text.equals("simple") && !text.equals("disable")) {
            problems.error(node, "unknown tls mode '" + text + "' (expected mutual, simple or disable)");
            return null;
        }
        return text;
    }

    /** A DNS name to send in SNI and verify the server's certificate against. */
    private String hostName(Node node) {
        String text = nodes.string(node);
        if (text != null && !HOST_NAME.matcher(text).matches()) {
            problems.error(node, "sni must be a DNS name such as api.example.com, got '" + text + "'");
            return null;
        }
        return text;
    }

    private String spiffeId(Node node) {
        String text = nodes.string(node);
        if (text == null) {
            return null;
        }
        try {
            return SpiffeId.parse(text).toString();
        } catch (IllegalArgumentException e) {
            problems.error(node, e.getMessage());
            return null;
        }
    }

    // ---- inbound ----------------------------------------------------------------------------

    /** The policy's {@code inbound:}; the {@code mtls} key goes to {@code needIdentity} when its mode needs one. */
    InboundConfig inbound(KeyTable.Entry entry, List<Node> needIdentity) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        Integer[] port = new Integer[1];
        InboundConfig.Mtls[] mtls = {InboundConfig.Mtls.DISABLE};
        Node[] mtlsKey = new Node[1];
        Protocol[] protocol = new Protocol[1];
        Node[] protocolValue = new Node[1];
        List<ScalarNode> portKeys = new ArrayList<>(); // keys that need the agent's own port
        List<String> allow = new ArrayList<>();
        List<AuthorizationPolicy> authorization = new ArrayList<>();
        List<JwtRule> jwt = new ArrayList<>();
        AuthorizationReader layer7 = new AuthorizationReader(problems, nodes);
        new KeyTable("inbound")
                .required("port", e -> port[0] = nodes.integer(e.value(), "port", 1, 65535))
                .optional("mtls", e -> {
                    mtlsKey[0] = e.key();
                    mtls[0] = mtls(e.value());
                })
                .optional("protocol", e -> {
                    portKeys.add(e.key());
                    protocolValue[0] = e.value();
                    protocol[0] = nodes.protocol(e.value());
                })
                .optional("allow", e -> {
                    portKeys.add(e.key());
                    List<String> ids = allow(e.value());
                    if (ids != null) {
                        allow.addAll(ids);
                    }
                })
                .optional("authorization", e -> {
                    portKeys.add(e.key());
                    authorization.addAll(layer7.policies(e.value()));
                })
                .optional("jwt", e -> {
                    portKeys.add(e.key());
                    jwt.addAll(layer7.jwtRules(e.value()));
                })
                .walk(mapping, entry.key(), problems);
        if (mtls[0] != null && mtls[0] != InboundConfig.Mtls.DISABLE) {
            needIdentity.add(mtlsKey[0]);
        } else if (mtls[0] != null) { // (a bad mode was reported already)
            // with mtls disable the application's port is its own: no agent stands in front of it
            for (ScalarNode key : portKeys) {
                problems.error(key, key.getValue() + " is only used with mtls permissive or strict");
            }
        }
        boolean layer7Rules = !authorization.isEmpty() || !jwt.isEmpty();
        if (protocol[0] == Protocol.TCP && layer7Rules) {
            problems.error(protocolValue[0], "protocol tcp cannot carry authorization or jwt rules, which apply per HTTP request");
        }
        Protocol served = protocol[0] != null ? protocol[0] : layer7Rules ? Protocol.HTTP : Protocol.TCP;
        return problems.errorCount() == errorsBefore
                ? new InboundConfig(port[0], mtls[0], served, allow, authorization, jwt) : null;
    }

    private InboundConfig.Mtls mtls(Node node) {
        String text = nodes.string(node);
        if (text == null) {
            return null;
        }
        for (InboundConfig.Mtls mode : InboundConfig.Mtls.values()) {
            if (mode.configName().equals(text)) {
                return mode;
            }
        }
        problems.error(node, "unknown mtls mode '" + text + "' (expected disable, permissive or strict)");
        return null;
    }

    /** A list of caller SPIFFE IDs; duplicates are errors. */
    private List<String> allow(Node node) {
        SequenceNode sequence = nodes.sequence(node);
        if (sequence == null) {
            return null;
        }
        Set<String> allowed = new LinkedHashSet<>();
        for (Node item : sequence.getValue()) {
            String id = spiffeId(item);
            if (id != null && !allowed.add(id)) {
                problems.error(item, "duplicate identity '" + id + "'");
            }
        }
        return new ArrayList<>(allowed);
    }

    // ---- rendering --------------------------------------------------------------------------

    static String renderInbound(InboundConfig inbound) {
        StringBuilder out = new StringBuilder("{ port: ").append(inbound.port()).append(", mtls: ")
                .append(inbound.mtls().configName());
        if (inbound.protocol() == Protocol.HTTP) {
            out.append(", protocol: http");
        }
        if (!inbound.allow().isEmpty()) {
            out.append(", allow: [ ").append(inbound.allow().stream().map(id -> '"' + id + '"')
                    .collect(Collectors.joining(", "))).append(" ]");
        }
        if (!inbound.authorization().isEmpty()) {
            out.append(", authorization: ").append(AuthorizationReader.render(inbound.authorization()));
        }
        if (!inbound.jwt().isEmpty()) {
            out.append(", jwt: ").append(AuthorizationReader.renderJwt(inbound.jwt()));
        }
        return out.append(" }").toString();
    }

    static String renderIdentity(IdentityConfig identity) {
        return "{ trustDomain: \"" + identity.trustDomain() + "\", namespace: \"" + identity.namespace() + "\""
                + (identity.issuedByControlPlane() ? "" : ", certificate: \"" + identity.certificate() + "\", key: \""
                        + identity.key() + "\", trustBundle: \"" + identity.trustBundle() + "\"")
                + (identity.issuedFiles() == null ? "" : ", issuedFiles: \"" + identity.issuedFiles() + "\"") + " }";
    }

    static String renderTls(TlsPolicy tls) {
        if (tls == null) {
            return null;
        }
        if (tls.mode() == TlsPolicy.Mode.MUTUAL) {
            return "{ mode: mutual, serverIdentity: \"" + tls.serverIdentity() + "\" }";
        }
        return "{ mode: simple" + (tls.sni() == null ? "" : ", sni: \"" + tls.sni() + "\"")
                + (tls.caCertificates() == null ? "" : ", caCertificates: \"" + tls.caCertificates() + "\"") + " }";
    }
}
