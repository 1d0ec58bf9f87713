package dev.jmesh.it;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads an agent's {@code /metrics} page as PromQL would: series selected by some of their labels. */
final class Exposition {

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_]+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private Exposition() {}

    /**
     * {@code sum(name{labels})}: the sum of the series named {@code name} whose labels include the
     * given ones; an error when there is none.
     *
     * @param selector {@code name{label="value",...}}, each label matched exactly
     */
    static double sum(String exposition, String selector) {
        int brace = selector.indexOf('{');
        String name = brace < 0 ? selector : selector.substring(0, brace);
        Map<String, String> wanted = brace < 0 ? Map.of() : labels(selector.substring(brace + 1, selector.length() - 1));
        double sum = 0;
        boolean found = false;
        for (String line : exposition.lines().toList()) {
            boolean labelled = line.startsWith(name + "{");
            if ((labelled || line.startsWith(name + " ")) && (!labelled || labels(line.substring(name.length() + 1,
                    line.lastIndexOf('}'))).entrySet().containsAll(wanted.entrySet()))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError("no series " + selector);
        }
        return sum;
    }

    static Map<String, String> labels(String text) {
        Map<String, String> labels = new HashMap<>();
        Matcher m = LABEL.matcher(text);
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        return labels;
    }
}
