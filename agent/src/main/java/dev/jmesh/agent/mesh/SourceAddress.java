package dev.jmesh.agent.mesh;

import dev.jmesh.agent.routing.Hashing;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Enumeration;

/**
 * This host's address, the {@code source-ip} hash key of tcp services: every connection from
 * this JVM hashes alike, so it sticks to one endpoint, as behind a sidecar hashing on the
 * pod's address. Read from the interfaces once, never from DNS.
 */
final class SourceAddress {

    static final long HASH = Hashing.xxHash64(primary());

    private SourceAddress() {}

    private static String primary() {
        try {
            Enumeration<NetworkInterface> interfaces = NetworkInterface.getNetworkInterfaces();
            while (interfaces != null && interfaces.hasMoreElements()) {
                NetworkInterface nic = interfaces.nextElement();
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (Enumeration<InetAddress> a = nic.getInetAddresses(); a.hasMoreElements(); ) {
                    InetAddress address = a.nextElement();
                    if (!address.isLinkLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // no interface list: fall through to loopback, still one stable key per host
        }
        return InetAddress.getLoopbackAddress().getHostAddress();
    }
}
