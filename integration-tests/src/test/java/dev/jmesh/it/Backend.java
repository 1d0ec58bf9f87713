package dev.jmesh.it;

import java.util.concurrent.atomic.AtomicInteger;
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

/**
 * A real HTTP server on a free loopback port, speaking HTTP/1.1 and cleartext HTTP/2 (upgrade
 * and prior knowledge). Answers {@code backend=NAME protocol=PROTO host=HOST}: who served the
 * call, over what, and the Host / :authority the client presented.
 */
final class Backend implements AutoCloseable {

    private final String name;
    private final Server server;
    private final ServerConnector connector;
    private final AtomicInteger hits = new AtomicInteger();

    private Backend(String name) throws Exception {
        this.name = name;
        this.server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        this.connector = new ServerConnector(server, new HttpConnectionFactory(config),
                new HTTP2CServerConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                hits.incrementAndGet();
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

    String name() {
        return name;
    }

    int port() {
        return connector.getLocalPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    int hits() {
        return hits.get();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

}
