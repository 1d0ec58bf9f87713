package dev.jmesh.bootstrap;

import java.nio.channels.SocketChannel;

/**
 * What code woven into the JDK's HTTP server ({@code sun.net.httpserver}) calls; handed to the
 * agent's {@link JdkHttpServerDriver}. Fails open: without the agent, or when the driver fails,
 * the exchange is served as it would be.
 */
public final class JdkHttpServerHooks {

    private static volatile JdkHttpServerDriver driver;

    private JdkHttpServerHooks() {}

    /** Installs the driver; called once by the agent. */
    public static void install(JdkHttpServerDriver driver) {
        JdkHttpServerHooks.driver = driver;
    }

    /** At the end of {@code HttpExchangeImpl}'s and {@code HttpsExchangeImpl}'s constructors. */
    public static void exchangeStarted(Object exchange) {
        JdkHttpServerDriver current = driver;
        if (current == null) {
            return;
        }
        try {
            current.exchangeStarted(exchange);
        } catch (Throwable t) {
            // served unrecorded
        }
    }

    /** At every return of {@code ServerImpl.Exchange.run()}. */
    public static void exchangeReturned(SocketChannel channel) {
        JdkHttpServerDriver current = driver;
        if (current == null) {
            return;
        }
        try {
            current.exchangeReturned(channel);
        } catch (Throwable t) {
            // the exchange stays unrecorded
        }
    }

    /** When {@code ServerImpl.Exchange.run()} throws; the throwable goes on unchanged. */
    public static void exchangeThrew(Throwable thrown) {
        JdkHttpServerDriver current = driver;
        if (current == null) {
            return;
        }
        try {
            current.exchangeThrew();
        } catch (Throwable t) {
            // the exchange stays unrecorded
        }
    }
}
