package dev.jmesh.policy;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A SPIFFE ID, {@code spiffe://<trustDomain><path>}. Workloads of the mesh have the path
 * {@code /ns/<namespace>/sa/<workload>}; a certificate authority carries its trust domain's
 * own ID, whose path is empty.
 */
public record SpiffeId(String trustDomain, String path) {

    public static final String SCHEME = "spiffe://";
    /** SPIFFE-ID spec 2.1: lowercase letters, digits, '.', '-' and '_'. */
    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]+");
    /** SPIFFE-ID spec 2.2: letters, digits, '.', '-' and '_'; never '.' or '..' alone. */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
    private static final int MAX_LENGTH = 2048;
    /** Subject alternative name type 6 (RFC 5280 4.2.1.6). */
    private static final int URI_NAME = 6;

    public SpiffeId {
        if (trustDomain == null || !TRUST_DOMAIN.matcher(trustDomain).matches()) {
            throw new IllegalArgumentException("bad SPIFFE trust domain '" + trustDomain
                    + "': only lowercase letters, digits, '.', '-' and '_'");
        }
        if (path == null) {
            throw new IllegalArgumentException("SPIFFE path is null");
        }
        if (!path.isEmpty()) {
            checkPath(path);
        }
    }

    /** {@code spiffe://<trustDomain>/ns/<namespace>/sa/<workload>}. */
    public static SpiffeId workload(String trustDomain, String namespace, String workload) {
        return new SpiffeId(trustDomain, "/ns/" + namespace + "/sa/" + workload);
    }

    /** The trust domain's own ID, {@code spiffe://<trustDomain>}. */
    public static SpiffeId trustDomainId(String trustDomain) {
        return new SpiffeId(trustDomain, "");
    }

    /** Parses {@code spiffe://td/path}; no query, fragment, port or user info. */
    public static SpiffeId parse(String text) {
        if (text == null || !text.startsWith(SCHEME)) {
            throw new IllegalArgumentException("not a SPIFFE ID (must start with spiffe://): " + text);
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("SPIFFE ID longer than " + MAX_LENGTH + " characters");
        }
        String rest = text.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String trustDomain = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        if (trustDomain.isEmpty()) {
            throw new IllegalArgumentException("SPIFFE ID without a trust domain: " + text);
        }
        return new SpiffeId(trustDomain, path);
    }

    /** Every URI subject alternative name of a certificate, in order. */
    public static List<String> uriSans(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of();
        }
        List<String> uris = new ArrayList<>();
        if (names != null) {
            for (List<?> name : names) {
                if (name.size() >= 2 && Integer.valueOf(URI_NAME).equals(name.get(0))) {
                    uris.add(String.valueOf(name.get(1)));
                }
            }
        }
        return uris;
    }

    /**
     * The certificate's SPIFFE ID: an X.509-SVID carries exactly one URI SAN, a SPIFFE ID.
     * Empty when it has none, several, or one that does not parse.
     */
    public static Optional<SpiffeId> fromCertificate(X509Certificate certificate) {
        List<String> uris = uriSans(certificate);
        if (uris.size() != 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(uris.get(0)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public boolean isTrustDomainId() {
        return path.isEmpty();
    }

    @Override
    public String toString() {
        return SCHEME + trustDomain + path;
    }

    private static void checkPath(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("SPIFFE path must start with '/': " + path);
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")
                    || !SEGMENT.matcher(segment).matches()) {
                throw new IllegalArgumentException("bad SPIFFE path segment '" + segment + "' in " + path
                        + ": non-empty, only letters, digits, '.', '-' and '_', not '.' or '..'");
            }
        }
    }
}
