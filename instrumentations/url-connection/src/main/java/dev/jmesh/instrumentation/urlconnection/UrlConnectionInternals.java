package dev.jmesh.instrumentation.urlconnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.function.Function;

/**
 * The members of the JDK's {@code HttpURLConnection} that the driver reads and resets between
 * attempts: the same ones the connection itself resets to follow a redirect. Found once, from
 * the connection's class; the weaver has already checked that the class has the methods it
 * advises, and a missing member here fails the driver's first call (the request then runs
 * unrouted).
 */
final class UrlConnectionInternals {

    private final MethodHandle getInputStream0;
    private final MethodHandle disconnectInternal;
    private final MethodHandle rememberedException;
    private final MethodHandle setRememberedException;
    private final MethodHandle http;
    private final MethodHandle httpUrl;
    private final MethodHandle inputStream;
    private final MethodHandle poster;
    private final MethodHandle setPoster;
    private final MethodHandle newPoster;
    private final MethodHandle responseCode;

    UrlConnectionInternals(Class<?> connectionClass, Function<Class<?>, MethodHandles.Lookup> privateAccess)
            throws ReflectiveOperationException {
        MethodHandles.Lookup connection = privateAccess.apply(connectionClass);
        getInputStream0 = connection.findVirtual(connectionClass, "getInputStream0", MethodType.methodType(InputStream.class));
        disconnectInternal = connection.findVirtual(connectionClass, "disconnectInternal", MethodType.methodType(void.class));
        rememberedException = connection.findGetter(connectionClass, "rememberedException", Exception.class);
        setRememberedException = connection.findSetter(connectionClass, "rememberedException", Exception.class);
        Class<?> httpClient = Class.forName("sun.net.www.http.HttpClient", false, connectionClass.getClassLoader());
        http = connection.findGetter(connectionClass, "http", httpClient);
        httpUrl = privateAccess.apply(httpClient).findGetter(httpClient, "url", URL.class);
        inputStream = connection.findGetter(connectionClass, "inputStream", InputStream.class);
        Class<?> posterClass = Class.forName("sun.net.www.http.PosterOutputStream", false, connectionClass.getClassLoader());
        poster = connection.findGetter(connectionClass, "poster", posterClass);
        setPoster = connection.findSetter(connectionClass, "poster", posterClass);
        newPoster = privateAccess.apply(posterClass).findConstructor(posterClass, MethodType.methodType(void.class));
        responseCode = privateAccess.apply(HttpURLConnection.class)
                .findGetter(HttpURLConnection.class, "responseCode", int.class);
    }

    /** The connection's own request and response reading: one attempt (the hook lets it through). */
    InputStream run(Object connection) throws IOException {
        try {
            return (InputStream) getInputStream0.invoke(connection);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Closes the connection's connection and forgets its response, as before a redirect. */
    void reset(Object connection) {
        call(disconnectInternal, connection);
        set(setRememberedException, connection, null);
    }

    /** Makes {@code failure} what the connection answers from now on, as it does with its own failures. */
    void remember(Object connection, IOException failure) {
        set(setRememberedException, connection, failure);
    }

    /** Whether the connection has an answer already: a response or a failure. */
    boolean answered(Object connection) {
        return get(inputStream, connection) != null || get(rememberedException, connection) != null;
    }

    /** The URL of the server the connection is connected to, or {@code null}. */
    URL connectedTo(Object connection) {
        Object client = get(http, connection);
        return client == null ? null : (URL) get(httpUrl, client);
    }

    /** The status of the response the connection read, -1 before. */
    int status(Object connection) {
        try {
            return (int) responseCode.invoke(connection);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Gives a fresh connection its body buffer, which it sends with the request, once connected. */
    OutputStream bufferBody(Object connection) {
        Object buffer = get(poster, connection);
        if (buffer == null) {
            try {
                buffer = newPoster.invoke();
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            set(setPoster, connection, buffer);
        }
        return (OutputStream) buffer;
    }

    private static Object get(MethodHandle getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void set(MethodHandle setter, Object target, Object value) {
        try {
            setter.invoke(target, value);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void call(MethodHandle method, Object target) {
        try {
            method.invoke(target);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
