package dev.jmesh.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;

/**
 * What code woven into the JDK's {@code HttpURLConnection} calls: each hands the connection to
 * the agent's driver and returns what the woven method should use ({@code null} or the value it
 * was given to let the connection do as it would without the mesh). Fails open.
 */
public final class UrlConnectionHooks {

    private static volatile UrlConnectionDriver driver;

    private UrlConnectionHooks() {}

    /** Installs the driver that runs {@code HttpURLConnection} requests; called once by the agent. */
    public static void install(UrlConnectionDriver driver) {
        UrlConnectionHooks.driver = driver;
    }

    /** See {@link UrlConnectionDriver#requestBody}; {@code null} when there is no agent or it fails. */
    public static OutputStream requestBody(Object connection) throws IOException {
        UrlConnectionDriver current = driver;
        if (current == null) {
            return null;
        }
        try {
            return current.requestBody(connection);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** See {@link UrlConnectionDriver#response}; {@code null} when there is no agent or it fails. */
    public static InputStream response(Object connection) throws IOException {
        UrlConnectionDriver current = driver;
        if (current == null) {
            return null;
        }
        try {
            return current.response(connection);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** See {@link UrlConnectionDriver#defersConnect}. */
    public static boolean defersConnect(Object connection) {
        UrlConnectionDriver current = driver;
        try {
            return current != null && current.defersConnect(connection);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** See {@link UrlConnectionDriver#streams}. */
    public static boolean streams(boolean streams, Object connection) {
        UrlConnectionDriver current = driver;
        try {
            return current == null ? streams : current.streams(streams, connection);
        } catch (RuntimeException | LinkageError e) {
            return streams;
        }
    }

    /** See {@link UrlConnectionDriver#target}. */
    public static URL target(Object connection, URL url) {
        UrlConnectionDriver current = driver;
        if (current == null) {
            return url;
        }
        try {
            return current.target(connection, url);
        } catch (RuntimeException | LinkageError e) {
            return url;
        }
    }

    /** The proxy of a connection to {@code target}: none when it is an endpoint the mesh chose. */
    public static Proxy proxy(Object connection, URL target, Proxy proxy) {
        try {
            URL asked = ((URLConnection) connection).getURL();
            return target.getHost().equals(asked.getHost()) && target.getPort() == asked.getPort() ? proxy : Proxy.NO_PROXY;
        } catch (RuntimeException e) {
            return proxy;
        }
    }

}
