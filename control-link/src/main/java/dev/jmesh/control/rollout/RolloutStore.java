package dev.jmesh.control.rollout;

import dev.jmesh.control.protocol.SubsetSummary;
import java.util.Map;

/**
 * Where rollouts keep what must outlive a replica: each rollout's state, who leads, and each
 * replica's sums of its agents' reports. In ZooKeeper ({@link ZooKeeperRolloutStore}) every
 * replica shares it; a lone replica keeps state in a file of its config directory
 * ({@link FileRolloutStore}).
 */
interface RolloutStore extends AutoCloseable {

    /** A state with the version a write must name to replace it. */
    record Stored(RolloutState state, int version) {}

    /** Every rollout's state, by service. */
    Map<String, Stored> states() throws StoreException;

    /**
     * Replaces {@code service}'s state if it is still at {@code version} (-1: there is none
     * yet); false when another replica wrote first.
     */
    boolean write(String service, RolloutState state, int version) throws StoreException;

    /**
     * Keeps what the leader has counted so far in {@code service}'s current step, so that a
     * successor carries on from it rather than from nothing; the last one saved replaces the one before.
     */
    void saveWindow(String service, String window) throws StoreException;

    /** The window last saved for {@code service}, or null. */
    String window(String service) throws StoreException;

    /** Whether this replica is the one that advances rollouts now. */
    boolean leading();

    /** This replica's sums of its agents' reports, for the leader to read. */
    void publish(Map<String, SubsetSummary> totals) throws StoreException;

    /** Every replica's published sums, by replica. */
    Map<String, Map<String, SubsetSummary>> totals() throws StoreException;

    String describe();

    @Override
    void close();

    /** The store could not be read or written now; the caller keeps what it has and tries again. */
    final class StoreException extends Exception {
        StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
