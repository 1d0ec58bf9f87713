package dev.jmesh.instrumentation.urlconnection;

import dev.jmesh.bootstrap.FailureKind;
import dev.jmesh.bootstrap.HttpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;

/**
 * One attempt of an {@code HttpURLConnection} request: the connection's own request and
 * response reading, connected to the attempt's endpoint (see
 * {@link HttpUrlConnectionDriver#target}), with the attempt's bound as its connect and read
 * timeouts. An error status is a response here, as it is to the mesh; the connection's
 * exception for it is what the application gets if it is the last.
 */
final class UrlConnectionTransport implements HttpTransport<UrlConnectionTransport.Response> {

    /** A response's status, and its stream, or the connection's exception for an error status. */
    record Response(int status, InputStream body, IOException failure) {}

    private final HttpUrlConnectionDriver driver;
    private final HttpURLConnection connection;
    private final UrlConnectionInternals internals;
    private final String host;
    private final int connectTimeout;
    private final int readTimeout;
    private boolean sent;

    UrlConnectionTransport(HttpUrlConnectionDriver driver, HttpURLConnection connection, UrlConnectionInternals internals) {
        this.driver = driver;
        this.connection = connection;
        this.internals = internals;
        this.host = connection.getURL().getHost();
        this.connectTimeout = connection.getConnectTimeout();
        this.readTimeout = connection.getReadTimeout();
    }

    @Override
    public String header(String name) {
        return connection.getRequestProperty(name);
    }

    /** Only while the request is not connected yet: once a body is being written, its head is gone. */
    @Override
    public void setHeader(String name, String value) {
        try {
            connection.setRequestProperty(name, value);
        } catch (IllegalStateException alreadyConnected) {
            // sent without: the destination counts an unknown caller
        }
    }

    @Override
    public Response send(InetSocketAddress endpoint, long timeoutMillis) throws IOException {
        driver.attempting(connection, host, endpoint);
        if (timeoutMillis > 0) {
            connection.setConnectTimeout(bounded(connectTimeout, timeoutMillis));
            connection.setReadTimeout(bounded(readTimeout, timeoutMillis));
        }
        URL connected = internals.connectedTo(connection);
        if (sent || (connected != null && (timeoutMillis > 0 || !connected.getHost().equals(endpoint.getHostString())
                || connected.getPort() != endpoint.getPort()))) {
            internals.reset(connection);
        }
        sent = true;
        try {
            InputStream body = internals.run(connection);
            return new Response(internals.status(connection), body, null);
        } catch (IOException e) {
            int status = internals.status(connection);
            if (status > 0) {
                return new Response(status, null, e);
            }
            throw e;
        }
    }

    @Override
    public int status(Response response) {
        return response.status();
    }

    @Override
    public String responseHeader(Response response, String name) {
        return connection.getHeaderField(name);
    }

    @Override
    public void discard(Response response) {
        if (response.body() != null) {
            try {
                response.body().close();
            } catch (IOException e) {
                // the next attempt resets the connection anyway
            }
        }
    }

    /** {@code HttpURLConnection} throws the JDK's own exceptions. */
    @Override
    public FailureKind classify(IOException e) {
        return FailureKind.of(e);
    }

    /** Leaves the connection's timeouts as the application set them; ends the attempt. */
    void restore() {
        connection.setConnectTimeout(connectTimeout);
        connection.setReadTimeout(readTimeout);
        driver.done(connection);
    }

    /** The shorter of a timeout the application set (0: none) and the attempt's bound. */
    private static int bounded(int configured, long millis) {
        int bound = (int) Math.min(Integer.MAX_VALUE, millis);
        return configured > 0 ? Math.min(configured, bound) : bound;
    }
}
