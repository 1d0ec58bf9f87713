package dev.jmesh.agent.inbound;

/** What an inbound port reports: connections joined to the application, and refusals. */
public interface InboundEvents {

    /** @param principal the caller's SPIFFE ID, or {@code "none"} for a plaintext caller */
    void opened(String principal);

    void closed(String principal);

    /** A caller was turned away; {@code why} names it and the reason. */
    void refused(String why);
}
