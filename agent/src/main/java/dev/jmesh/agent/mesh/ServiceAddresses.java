package dev.jmesh.agent.mesh;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a service's name resolves to (a tcp service's for every resolver; an http service's
 * for the clients routed per connection, Netty's): one address per service, allocated in
 * {@code 239.255.0.0/16}, a multicast range, which TCP cannot reach. Linux refuses a TCP
 * connect to a multicast address at once ({@code ENETUNREACH}) without sending a packet.
 *
 * <p>So a connect the agent sees ({@code Socket}, {@code SocketChannel},
 * {@code AsynchronousSocketChannel}, Netty's native transport) goes to an endpoint of the
 * service, with the endpoint's port; a connect it cannot see fails at once. Neither can reach
 * an endpoint's host on a port the policy did not name, which endpoints' own addresses, as a
 * name lookup's answer, would let any uninstrumented path do with the application's port.
 *
 * <p>Allocated once per name for the life of the JVM, so that an address a library cached
 * keeps naming the same service across policy updates.
 */
final class ServiceAddresses {

    private static final int FIRST_OCTET = 239;
    private static final int SECOND_OCTET = 255;
    private static final int CAPACITY = 65_534; // .0.0 and .255.255 left out

    private static final Map<String, InetAddress> BY_NAME = new ConcurrentHashMap<>();
    private static final Map<InetAddress, String> BY_ADDRESS = new ConcurrentHashMap<>();
    private static int allocated;

    private ServiceAddresses() {}

    /** The address {@code service}'s name resolves to, named after it. */
    static InetAddress of(String service) {
        InetAddress address = BY_NAME.get(service);
        return address != null ? address : allocate(service);
    }

    /** The service whose address {@code address} is, or {@code null}. */
    static String serviceAt(InetAddress address) {
        byte[] bytes = address == null ? null : address.getAddress();
        if (bytes == null || bytes.length != 4 || (bytes[0] & 0xff) != FIRST_OCTET || (bytes[1] & 0xff) != SECOND_OCTET) {
            return null; // the one check every other connect pays
        }
        return BY_ADDRESS.get(address);
    }

    private static synchronized InetAddress allocate(String service) {
        InetAddress address = BY_NAME.get(service);
        if (address != null) {
            return address;
        }
        if (allocated == CAPACITY) {
            throw new IllegalStateException("more than " + CAPACITY + " service names in one JVM");
        }
        int index = ++allocated;
        try {
            address = InetAddress.getByAddress(service,
                    new byte[] {(byte) FIRST_OCTET, (byte) SECOND_OCTET, (byte) (index >> 8), (byte) index});
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible); // only thrown for a bad address length
        }
        BY_ADDRESS.put(address, service);
        BY_NAME.put(service, address);
        return address;
    }
}
