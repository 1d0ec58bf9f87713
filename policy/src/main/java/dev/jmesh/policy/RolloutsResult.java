package dev.jmesh.policy;

import java.util.List;

/**
 * Outcome of parsing a rollouts file.
 *
 * @param rollouts the rollouts, in file order, or {@code null} when there are errors
 * @param errors   problems that make the file unusable, in file order
 */
public record RolloutsResult(List<RolloutConfig> rollouts, List<ConfigProblem> errors) {

    public RolloutsResult {
        rollouts = rollouts == null ? null : List.copyOf(rollouts);
        errors = List.copyOf(errors);
        if (errors.isEmpty() == (rollouts == null)) {
            throw new IllegalArgumentException("rollouts must be null exactly when there are errors");
        }
    }

    public boolean ok() {
        return errors.isEmpty();
    }
}
