package dev.jmesh.control.rollout;

/** What a rollout has the agents do with a service's traffic now: {@code weight} percent to {@code to}, the rest to {@code from}. */
public record Split(String from, String to, int weight) {}
