package dev.jmesh.policy;

import java.util.List;

/**
 * Outcome of parsing a policy file.
 *
 * @param config   the model, or {@code null} when there are errors
 * @param errors   problems that make the file unusable, in file order
 * @param warnings problems that do not, in file order
 */
public record ParseResult(MeshConfig config, List<ConfigProblem> errors, List<ConfigProblem> warnings) {

    public ParseResult {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        // Exactly one of "a model" and "errors" - a half-valid model must never escape.
        if (errors.isEmpty() == (config == null)) {
            throw new IllegalArgumentException("config must be null exactly when there are errors");
        }
    }

    /** True when there are no errors (there may be warnings). */
    public boolean ok() {
        return errors.isEmpty();
    }

    /** The model, or a {@link ConfigException} listing every error. */
    public MeshConfig orThrow() throws ConfigException {
        if (!ok()) {
            throw new ConfigException(errors);
        }
        return config;
    }
}
