package dev.jmesh.instrumentation.tomcat;

import dev.jmesh.bootstrap.ServedRequest;
import dev.jmesh.bootstrap.ServerHooks;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.apache.coyote.ActionCode;
import org.apache.coyote.Request;
import org.apache.coyote.Response;

/**
 * The hooks woven into Tomcat; defined by the agent in the loader that loaded Tomcat. The request
 * being served rides on the protocol-level request as an attribute, which Tomcat clears only
 * when it recycles that request, after the servlet response is recycled. Body bytes are Tomcat's
 * own counters: what the application read of the request body, and what it wrote of the
 * response body (before transfer encoding).
 */
public final class TomcatHooks {

    private static final String ATTRIBUTE = "dev.jmesh.servedRequest";

    private TomcatHooks() {}

    /** {@code CoyoteAdapter.service(request, response)}: the request's head has been parsed. */
    public static void service(Object coyoteRequest, Object coyoteResponse) {
        try {
            Request request = (Request) coyoteRequest;
            ServedRequest served = ServerHooks.begin(request.method().toString(), request.requestURI().toString(),
                    request.protocol().toString(), authority(request),
                    request.getHeader(ServedRequest.PEER_HEADER), remote(request), local(request));
            if (served == null) {
                return;
            }
            request.setAttribute(ATTRIBUTE, served);
            String peer = served.responseHeader();
            if (peer != null) {
                ((Response) coyoteResponse).addHeader(ServedRequest.PEER_HEADER, peer);
            }
        } catch (RuntimeException | UnknownHostException e) {
            // Fail open: the request is served, unrecorded.
        }
    }

    /** {@code connector.Response.recycle()}: the response is complete, or the exchange is given up. */
    public static void recycled(Object connectorResponse) {
        try {
            Response response = ((org.apache.catalina.connector.Response) connectorResponse).getCoyoteResponse();
            Request request = response == null ? null : response.getRequest();
            if (request == null || !(request.getAttribute(ATTRIBUTE) instanceof ServedRequest served)) {
                return;
            }
            request.getAttributes().remove(ATTRIBUTE); // ends once, even when Tomcat recycles twice
            served.end(response.isCommitted() ? response.getStatus() : 0, request.getBytesRead(),
                    response.getContentWritten());
        } catch (RuntimeException e) {
            // Fail open.
        }
    }

    /** HTTP/1.1's {@code Host}; HTTP/2's {@code :authority}, which Tomcat has already parsed into name and port. */
    private static String authority(Request request) {
        String host = request.getHeader("host");
        if (host != null || request.serverName().isNull()) {
            return host;
        }
        int port = request.getServerPort();
        return port < 0 ? request.serverName().toString() : request.serverName() + ":" + port;
    }

    private static InetSocketAddress remote(Request request) throws UnknownHostException {
        request.action(ActionCode.REQ_HOST_ADDR_ATTRIBUTE, request);
        request.action(ActionCode.REQ_REMOTEPORT_ATTRIBUTE, request);
        return address(request.remoteAddr().toString(), request.getRemotePort());
    }

    private static InetSocketAddress local(Request request) throws UnknownHostException {
        request.action(ActionCode.REQ_LOCAL_ADDR_ATTRIBUTE, request);
        request.action(ActionCode.REQ_LOCALPORT_ATTRIBUTE, request);
        return address(request.localAddr().toString(), request.getLocalPort());
    }

    /** Tomcat gives addresses as text, always a literal: parsing it looks nothing up. */
    private static InetSocketAddress address(String literal, int port) throws UnknownHostException {
        return literal == null ? null : new InetSocketAddress(InetAddress.getByName(literal), port);
    }
}
