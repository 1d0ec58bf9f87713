package dev.jmesh.control.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What one agent's calls to one subset of a service did in one report interval (or, summed,
 * what every agent's did): calls, failures by kind and a latency histogram. One line of a
 * REPORT:
 *
 * <pre>
 * orders canary requests=812 5xx=3 connect=0 timeout=1 reset=0 overflow=0 le=5:700,25:100,+Inf:12
 * </pre>
 *
 * {@code le} is the histogram: each bucket's upper bound in milliseconds and its count (not
 * cumulative), the last bound {@code +Inf}; the counts add up to {@code requests}. The bounds
 * are the agent's to choose, so they travel with the counts; sums merge buckets by bound.
 */
public record SubsetSummary(String service, String subset, long requests, long[] errors, double[] boundsMillis,
                            long[] counts) {

    /** Why a call failed, as the agent's response flags tell it. */
    public enum ErrorKind {
        /** The service answered 5xx. */
        STATUS_5XX("5xx"),
        /** No connection: refused, unreachable, no healthy endpoint. */
        CONNECT("connect"),
        /** No answer in time. */
        TIMEOUT("timeout"),
        /** The connection was reset before the answer. */
        RESET("reset"),
        /** The circuit breaker refused the call. */
        OVERFLOW("overflow");

        public final String key;

        ErrorKind(String key) {
            this.key = key;
        }
    }

    private static final int MAX_BUCKETS = 64;
    private static final long MAX_COUNT = 1_000_000_000_000_000L;
    private static final Pattern SPACES = Pattern.compile(" ");

    public SubsetSummary {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(subset, "subset");
        errors = errors.clone();
        boundsMillis = boundsMillis.clone();
        counts = counts.clone();
        if (errors.length != ErrorKind.values().length || boundsMillis.length != counts.length) {
            throw new IllegalArgumentException("malformed summary");
        }
    }

    /** Nothing yet, for {@code service}'s {@code subset}. */
    public static SubsetSummary empty(String service, String subset) {
        return new SubsetSummary(service, subset, 0, new long[ErrorKind.values().length],
                new double[] {Double.POSITIVE_INFINITY}, new long[1]);
    }

    /** {@code service subset}: what sums are keyed by. */
    public String key() {
        return service + " " + subset;
    }

    public long errors(ErrorKind kind) {
        return errors[kind.ordinal()];
    }

    /** Calls that failed, every kind. */
    public long failed() {
        long sum = 0;
        for (long e : errors) {
            sum += e;
        }
        return sum;
    }

    /** Failed calls over calls; 0 without calls. */
    public double errorRate() {
        return requests == 0 ? 0 : (double) failed() / requests;
    }

    /**
     * The {@code q} quantile in milliseconds, interpolated within its bucket as Prometheus'
     * {@code histogram_quantile} does; -1 without calls. In the last bucket it is the last finite bound.
     */
    public double quantileMillis(double q) {
        if (requests == 0) {
            return -1;
        }
        double rank = q * requests;
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0 && seen + counts[i] >= rank) {
                double lower = i == 0 ? 0 : boundsMillis[i - 1];
                if (Double.isInfinite(boundsMillis[i])) {
                    return lower;
                }
                return lower + (boundsMillis[i] - lower) * ((rank - seen) / counts[i]);
            }
            seen += counts[i];
        }
        return boundsMillis.length > 1 ? boundsMillis[boundsMillis.length - 2] : 0;
    }

    /** This and {@code other} (the same service and subset) together. */
    public SubsetSummary plus(SubsetSummary other) {
        return combine(other, 1);
    }

    /** What was added to {@code earlier} to make this (both cumulative sums of the same service and subset). */
    public SubsetSummary minus(SubsetSummary earlier) {
        return combine(earlier, -1);
    }

    private SubsetSummary combine(SubsetSummary other, int sign) {
        long[] e = errors.clone();
        for (int i = 0; i < e.length; i++) {
            e[i] = Math.max(0, e[i] + sign * other.errors[i]);
        }
        TreeMap<Double, Long> buckets = new TreeMap<>();
        for (int i = 0; i < boundsMillis.length; i++) {
            buckets.merge(boundsMillis[i], counts[i], Long::sum);
        }
        for (int i = 0; i < other.boundsMillis.length; i++) {
            buckets.merge(other.boundsMillis[i], sign * other.counts[i], Long::sum);
        }
        buckets.replaceAll((bound, count) -> Math.max(0, count));
        buckets.values().removeIf(count -> count == 0);
        buckets.putIfAbsent(Double.POSITIVE_INFINITY, 0L);
        double[] bounds = buckets.keySet().stream().mapToDouble(Double::doubleValue).toArray();
        long[] c = buckets.values().stream().mapToLong(Long::longValue).toArray();
        return new SubsetSummary(service, subset, Math.max(0, requests + sign * other.requests), e, bounds, c);
    }

    /** The REPORT line. */
    public String line() {
        StringBuilder out = new StringBuilder(service).append(' ').append(subset).append(" requests=").append(requests);
        for (ErrorKind kind : ErrorKind.values()) {
            out.append(' ').append(kind.key).append('=').append(errors[kind.ordinal()]);
        }
        out.append(" le=");
        for (int i = 0; i < boundsMillis.length; i++) {
            out.append(i == 0 ? "" : ",").append(bound(boundsMillis[i])).append(':').append(counts[i]);
        }
        return out.toString();
    }

    private static String bound(double millis) {
        if (Double.isInfinite(millis)) {
            return "+Inf";
        }
        return millis == Math.rint(millis) ? Long.toString((long) millis) : String.format(Locale.ROOT, "%s", millis);
    }

    /** Every line of a REPORT's payload. */
    public static List<SubsetSummary> parseAll(String payload) throws ProtocolException {
        List<SubsetSummary> all = new ArrayList<>();
        for (String line : payload.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (all.size() == Frames.MAX_REPORT_LINES) {
                throw new ProtocolException("more than " + Frames.MAX_REPORT_LINES + " subsets in one report");
            }
            all.add(parse(line));
        }
        return all;
    }

    /** One line, strictly: names as the mesh allows them, counts that add up. */
    public static SubsetSummary parse(String line) throws ProtocolException {
        String[] parts = SPACES.split(line, -1);
        int expected = 3 + ErrorKind.values().length + 1;
        if (parts.length != expected) {
            throw new ProtocolException("malformed summary: " + expected + " fields expected");
        }
        if (!Frames.WORKLOAD.matcher(parts[0]).matches() || !Frames.WORKLOAD.matcher(parts[1]).matches()) {
            throw new ProtocolException("malformed summary: bad service or subset name");
        }
        long requests = count(parts[2], "requests");
        long[] errors = new long[ErrorKind.values().length];
        for (ErrorKind kind : ErrorKind.values()) {
            errors[kind.ordinal()] = count(parts[3 + kind.ordinal()], kind.key);
        }
        String le = parts[parts.length - 1];
        if (!le.startsWith("le=")) {
            throw new ProtocolException("malformed summary: no histogram");
        }
        String[] buckets = le.substring(3).split(",", -1);
        if (buckets.length > MAX_BUCKETS) {
            throw new ProtocolException("malformed summary: more than " + MAX_BUCKETS + " buckets");
        }
        double[] bounds = new double[buckets.length];
        long[] counts = new long[buckets.length];
        long total = 0;
        for (int i = 0; i < buckets.length; i++) {
            int colon = buckets[i].indexOf(':');
            if (colon < 0) {
                throw new ProtocolException("malformed summary: bucket without a count");
            }
            String bound = buckets[i].substring(0, colon);
            try {
                bounds[i] = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            } catch (NumberFormatException e) {
                throw new ProtocolException("malformed summary: bad bucket bound");
            }
            if (Double.isNaN(bounds[i]) || bounds[i] < 0 || (i > 0 && bounds[i] <= bounds[i - 1])
                    || (Double.isInfinite(bounds[i]) && i != buckets.length - 1)) {
                throw new ProtocolException("malformed summary: bucket bounds must rise, +Inf last");
            }
            counts[i] = count(buckets[i].substring(colon + 1), "bucket");
            total += counts[i];
        }
        if (!Double.isInfinite(bounds[bounds.length - 1])) {
            throw new ProtocolException("malformed summary: the last bucket is +Inf");
        }
        if (total != requests || Arrays.stream(errors).sum() > requests) {
            throw new ProtocolException("malformed summary: counts do not add up to requests");
        }
        return new SubsetSummary(parts[0], parts[1], requests, errors, bounds, counts);
    }

    private static long count(String field, String key) throws ProtocolException {
        String prefix = key.equals("bucket") ? "" : key + "=";
        if (!field.startsWith(prefix) || field.length() == prefix.length() || field.length() > prefix.length() + 16) {
            throw new ProtocolException("malformed summary: bad '" + key + "'");
        }
        long value;
        try {
            value = Long.parseLong(field.substring(prefix.length()));
        } catch (NumberFormatException e) {
            throw new ProtocolException("malformed summary: bad '" + key + "'");
        }
        if (value < 0 || value > MAX_COUNT) {
            throw new ProtocolException("malformed summary: '" + key + "' out of range");
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubsetSummary s && s.line().equals(line());
    }

    @Override
    public int hashCode() {
        return line().hashCode();
    }

    @Override
    public String toString() {
        return line();
    }
}
