package dev.jmesh.agent.config;

/**
 * This application's own listening side.
 *
 * @param port the port the application listens on; registered for the workload through the control link
 */
public record InboundConfig(int port) {}
