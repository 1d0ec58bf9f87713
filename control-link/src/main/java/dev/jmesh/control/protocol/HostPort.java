package dev.jmesh.control.protocol;

import java.net.InetSocketAddress;

/** {@code host:port} and {@code [v6]:port}, as control servers and listen addresses are written. */
public final class HostPort {

    private HostPort() {}

    /**
     * The address, not yet resolved.
     *
     * @throws IllegalArgumentException when it is not {@code host:port} with a port in 1..65535 ({@code 0} with {@code anyPort})
     */
    public static InetSocketAddress parse(String text, boolean anyPort) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("bad address '" + text + "': expected host:port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < (anyPort ? 0 : 1) || port > 65535) {
            throw new IllegalArgumentException("bad port in '" + text + "'");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }
}
