package dev.jmesh.bootstrap;

import java.nio.channels.SocketChannel;

/**
 * Reports the exchanges of the JDK's own HTTP server ({@code com.sun.net.httpserver}) to the
 * mesh. The exchange is typed {@code Object}: the boot loader cannot see {@code jdk.httpserver}.
 */
public interface JdkHttpServerDriver {

    /** The server made the application's {@code HttpExchange} for a request, before any handler runs. */
    void exchangeStarted(Object exchange);

    /**
     * The server's task for one request returned on this thread, the handlers done or handed
     * off; {@code channel} is closed when the exchange failed (a handler threw).
     */
    void exchangeReturned(SocketChannel channel);

    /** That task threw: the exchange of this thread failed. */
    void exchangeThrew();
}
