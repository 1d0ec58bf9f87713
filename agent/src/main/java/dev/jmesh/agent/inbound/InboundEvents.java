package dev.jmesh.agent.inbound;

import dev.jmesh.bootstrap.ByteCount;

/** What an inbound port reports: connections joined to the application, their bytes, and refusals. */
public interface InboundEvents {

    /** The principal of a caller that came in plaintext. */
    String PLAINTEXT = "none";

    /**
     * A caller's connection was joined to the application.
     *
     * @param principal the caller's SPIFFE ID, or {@link #PLAINTEXT}
     * @return where the connection's bytes are counted, as they are copied
     */
    ByteCount opened(String principal);

    void closed(String principal);

    /** A caller was turned away; {@code why} names it and the reason. */
    void refused(String why);
}
