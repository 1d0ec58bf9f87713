package dev.jmesh.instrumentation.jdkhttpserver;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.jmesh.bootstrap.JdkHttpServerDriver;
import dev.jmesh.bootstrap.ServedRequest;
import dev.jmesh.bootstrap.ServerHooks;
import java.nio.channels.SocketChannel;

/**
 * Begins a served request for each exchange of the JDK's HTTP server and counts its body
 * streams ({@link CountedExchange}). The server runs a request's handlers on the thread that
 * made its exchange; the handlers may hand the exchange to another thread and return, so only
 * a failure seen when the server's task returns (its connection closed) ends the request there.
 */
public final class JdkServerExchanges implements JdkHttpServerDriver {

    /** The request the server's task on this thread began, until that task returns. */
    private final ThreadLocal<CountedExchange> running = new ThreadLocal<>();

    @Override
    public void exchangeStarted(Object exchange) {
        HttpExchange http = (HttpExchange) exchange;
        Headers headers = http.getRequestHeaders();
        ServedRequest served = ServerHooks.begin(http.getRequestMethod(), http.getRequestURI().getRawPath(),
                http.getProtocol(), headers.getFirst("Host"), headers.getFirst(ServedRequest.PEER_HEADER),
                http.getRemoteAddress(), http.getLocalAddress());
        if (served == null) {
            return;
        }
        String answer = served.responseHeader();
        if (answer != null) {
            http.getResponseHeaders().set(ServedRequest.PEER_HEADER, answer);
        }
        running.set(CountedExchange.count(http, served));
    }

    @Override
    public void exchangeReturned(SocketChannel channel) {
        CountedExchange exchange = running.get();
        if (exchange != null) {
            running.set(null);
            if (!channel.isOpen()) {
                exchange.end();
            }
        }
    }

    @Override
    public void exchangeThrew() {
        CountedExchange exchange = running.get();
        if (exchange != null) {
            running.set(null);
            exchange.end();
        }
    }
}
