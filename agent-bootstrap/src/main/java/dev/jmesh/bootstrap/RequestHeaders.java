package dev.jmesh.bootstrap;

/** The headers of the application's request, as it set them: what routes match and keys hash on. */
public interface RequestHeaders {

    /** The first value of header {@code name} (any case), or {@code null}. */
    String header(String name);
}
