package dev.jmesh.policy;

/**
 * Retries allowed over a 10 s window: {@code minPerSecond * 10 + ratio * requests}. Keeps a
 * total outage from multiplying the load by the number of attempts.
 */
public record RetryBudget(double ratio, int minPerSecond) {

    public static final RetryBudget DEFAULT = new RetryBudget(0.2, 10);

    public RetryBudget {
        if (!(ratio >= 0 && ratio <= 1000) || minPerSecond < 0) {
            throw new IllegalArgumentException("budget needs ratio >= 0 and minPerSecond >= 0");
        }
    }
}
