package dev.jmesh.agent.inbound;

/** Where the requests an inbound port answers itself (401, 403, 400) are counted and logged. */
public interface InboundAnswers {

    InboundAnswers NONE = (method, path, protocol, authority, peerHeader, principal, status, rbac) -> { };

    /**
     * @param principal the caller's SPIFFE ID, or null when it did not authenticate
     * @param rbac      refused by an authorization policy
     */
    void answered(String method, String path, String protocol, String authority, String peerHeader, String principal,
                  int status, boolean rbac);
}
