package dev.jmesh.bootstrap;

import java.net.InetSocketAddress;

/**
 * A request object an adapter hands its library for one attempt, carrying the endpoint the mesh
 * chose for it: code woven deeper in the library reads the endpoint from the request itself, so
 * nothing travels through thread-locals, and the library's own entry hook knows it sees an
 * attempt, not a new call.
 */
public interface RoutedRequest {

    InetSocketAddress endpoint();
}
