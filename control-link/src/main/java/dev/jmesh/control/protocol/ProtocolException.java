package dev.jmesh.control.protocol;

/** A frame that breaks the protocol: wrong magic, unknown type, too large, malformed header. */
public final class ProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
