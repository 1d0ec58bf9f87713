package dev.jmesh.it;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A real HTTP server on a free loopback port, speaking HTTP/1.1 and cleartext HTTP/2 (upgrade
 * and prior knowledge). Answers {@code backend=NAME protocol=PROTO host=HOST}: who served the
 * call, over what, and the Host / :authority the client presented. Faults on demand: another
 * status, a delay, or death.
 */
final class Backend implements AutoCloseable {

    private final String name;
    private final Server server;
    private final ServerConnector connector;
    private final AtomicInteger hits = new AtomicInteger();
    private final AtomicInteger posts = new AtomicInteger();
    private final AtomicLong firstHitNanos = new AtomicLong();
    private volatile int status = 200;
    private volatile long delayMillis;
    /** Every this-many-th request is answered 503; 0 for none. */
    private volatile int failEvery;

    private Backend(String name) throws Exception {
        this(name, null, null);
    }

    /** @param keyStore a PKCS#12 key store to serve TLS only with, or null for cleartext */
    private Backend(String name, java.nio.file.Path keyStore, String password) throws Exception {
        this.name = name;
        // Stopping interrupts a handler still sleeping out its delay, instead of waiting for it:
        // a test that ends with a slow call in flight does not wait out the delay.
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setStopTimeout(100);
        this.server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        if (keyStore == null) {
            this.connector = new ServerConnector(server, new HttpConnectionFactory(config),
                    new HTTP2CServerConnectionFactory(config));
        } else {
            org.eclipse.jetty.util.ssl.SslContextFactory.Server tls = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
            tls.setKeyStorePath(keyStore.toString());
            tls.setKeyStorePassword(password);
            tls.setKeyStoreType("PKCS12");
            this.connector = new ServerConnector(server, tls, new HttpConnectionFactory(config));
        }
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (hits.incrementAndGet() == 1) {
                    firstHitNanos.set(System.nanoTime());
                }
                if ("POST".equals(request.getMethod())) {
                    posts.incrementAndGet();
                    // Read the body, as a well-behaved server does: an unread body makes Jetty
                    // close the connection after an error status, racing the client's reuse.
                    Content.Source.asString(request);
                }
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis);
                }
                int every = failEvery;
                response.setStatus(every > 0 && hits.get() % every == 0 ? 503 : status);
                String body = "backend=" + name
                        + " protocol=" + request.getConnectionMetaData().getProtocol()
                        + " host=" + request.getHttpURI().getAuthority();
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                Content.Sink.write(response, true, body, callback);
                return true;
            }
        });
        server.start();
    }

    static Backend start(String name) throws Exception {
        return new Backend(name);
    }

    /** A backend that speaks HTTP/1.1 over TLS only, with the key and chain of {@code keyStore} (PKCS#12). */
    static Backend startTls(String name, java.nio.file.Path keyStore, String password) throws Exception {
        return new Backend(name, keyStore, password);
    }

    String name() {
        return name;
    }

    int port() {
        return connector.getLocalPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    /** Blocks until {@code n} requests have arrived (at most 30 s). */
    void awaitHits(int n) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (hits.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " got " + hits.get() + " of " + n + " requests in 30 s");
            }
            Thread.sleep(5);
        }
    }

    int hits() {
        return hits.get();
    }

    /** {@link System#nanoTime()} when the first request arrived, 0 before. */
    long firstHitNanos() {
        return firstHitNanos.get();
    }

    int posts() {
        return posts.get();
    }

    /** Answers every request with this status from now on. */
    Backend answering(int httpStatus) {
        this.status = httpStatus;
        return this;
    }

    /** Answers every {@code n}-th request from now on 503 (n = 5: 20 % of calls). */
    Backend failingEvery(int n) {
        this.failEvery = n;
        return this;
    }

    /** Waits this long before answering each request. */
    Backend delaying(long millis) {
        this.delayMillis = millis;
        return this;
    }

    /** Stops listening: new connections are refused, open ones are closed. */
    void kill() throws Exception {
        server.stop();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

}
