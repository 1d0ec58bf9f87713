package dev.jmesh.pki;

/** Identity material that cannot be read or used; the message names the file and what is wrong. */
public final class IdentityException extends Exception {

    private static final long serialVersionUID = 1L;

    public IdentityException(String message) {
        super(message);
    }

    public IdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
