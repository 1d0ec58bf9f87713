package dev.jmesh.bootstrap;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * What code woven into {@code ServerSocket} and {@code ServerSocketChannel} binds calls: a port
 * the agent owns (inbound mutual TLS) is bound on loopback instead, and the agent opens the real
 * one in front of it. Fails open.
 */
public final class InboundHooks {

    private InboundHooks() {}

    /** The address a server socket binds when the application asks for {@code requested}. */
    public static SocketAddress bind(SocketAddress requested) {
        Router current = Mesh.router();
        if (current == null || !(requested instanceof InetSocketAddress address)) {
            return requested;
        }
        try {
            InetSocketAddress instead = current.inboundBind(address);
            return instead == null ? requested : instead;
        } catch (Throwable t) {
            return requested;
        }
    }

    /**
     * {@code server}, a {@code ServerSocket} or {@code ServerSocketChannel}, is bound as
     * {@code boundAs}, the address {@link #bind} answered.
     */
    public static void bound(Object server, SocketAddress boundAs) {
        Router current = Mesh.router();
        if (current == null || !(boundAs instanceof InetSocketAddress)) {
            return;
        }
        try {
            SocketAddress actual = server instanceof ServerSocket socket ? socket.getLocalSocketAddress()
                    : ((ServerSocketChannel) server).getLocalAddress();
            current.inboundBound((InetSocketAddress) boundAs, (InetSocketAddress) actual);
        } catch (Throwable t) {
            // the application's server runs on its loopback port; the agent said why it could not open the real one
        }
    }

}
