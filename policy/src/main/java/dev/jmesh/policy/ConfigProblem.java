package dev.jmesh.policy;

import java.io.Serializable;
import java.util.Objects;

/**
 * One error or warning found in a policy file.
 *
 * @param source  file name as given, or {@code <string>}
 * @param line    1-based line, or 0 when the problem concerns the file as a whole
 * @param column  1-based column, or 0 when the problem concerns the file as a whole
 * @param message what is wrong, one line
 */
public record ConfigProblem(String source, int line, int column, String message) implements Serializable {

    private static final long serialVersionUID = 1L;

    public ConfigProblem {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(message, "message");
    }

    /** {@code mesh.yaml:12:7: message}, or {@code mesh.yaml: message} when there is no position. */
    @Override
    public String toString() {
        return line > 0 ? source + ":" + line + ":" + column + ": " + message : source + ": " + message;
    }
}
