package dev.jmesh.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;

/**
 * Runs {@code HttpURLConnection} requests to mesh services (the JDK's
 * {@code sun.net.www.protocol.http.HttpURLConnection}, behind {@code URL.openConnection}).
 * Parameters are the connection, typed {@code Object}: its class is internal to the JDK.
 */
public interface UrlConnectionDriver {

    /**
     * The body a connection to a mesh service buffers before it connects, or {@code null} to
     * let the connection answer: connecting early would fix the endpoint before the mesh's
     * call begins.
     */
    OutputStream requestBody(Object connection) throws IOException;

    /**
     * The response stream of the connection's request, run by the mesh as a call, or
     * {@code null} to let the connection answer (not a mesh service, an attempt of the
     * mesh's, or a response the connection already has).
     *
     * @throws IOException what the application gets: as the connection itself would throw it
     *     for an error status, or the mesh's own failure, naming the service
     */
    InputStream response(Object connection) throws IOException;

    /** Whether the connection's request is a mesh call, which connects only in its attempts. */
    boolean defersConnect(Object connection);

    /** Whether the connection's body streams: never for a mesh call, whose retries send it again. */
    boolean streams(boolean streams, Object connection);

    /** Where the connection connects when it asks for {@code url}: an endpoint, or {@code url}. */
    URL target(Object connection, URL url);
}
