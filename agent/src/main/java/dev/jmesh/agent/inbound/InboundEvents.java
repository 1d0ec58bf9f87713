package dev.jmesh.agent.inbound;

/** What an inbound port reports: connections joined to the application, and refusals. */
public interface InboundEvents {

    /** The principal of a caller that came in plaintext. */
    String PLAINTEXT = "none";

    /** @param principal the caller's SPIFFE ID, or {@link #PLAINTEXT} */
    void opened(String principal);

    void closed(String principal);

    /** A caller was turned away; {@code why} names it and the reason. */
    void refused(String why);
}
