package dev.jmesh.instrumentation.nettyserver;

import dev.jmesh.bootstrap.ServedRequest;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * One request and its response on a connection, as {@link ServedRequestsHandler} sees them
 * pass; only ever touched on the channel's event loop. It ends once: when the response's last
 * content is written, or when the connection closes first.
 */
final class ServedExchange implements ChannelFutureListener {

    /** A request the mesh does not record: kept in the connection's order, counts nothing. */
    static final ServedExchange UNRECORDED = new ServedExchange(null, null);

    /** Null while not recorded: not by the mesh, or not yet (an upgrade offer). */
    private ServedRequest served;
    /**
     * A request offering to upgrade the connection to HTTP/2 ({@code Upgrade: h2c}): begun only
     * when answered over HTTP/1.1; when the server accepts, the request is answered on the
     * connection's first HTTP/2 stream, which reports it.
     */
    private HttpRequest upgradeOffer;
    private int status;
    private long requestBytes;
    private long responseBytes;
    private boolean ended;

    private ServedExchange(ServedRequest served, HttpRequest upgradeOffer) {
        this.served = served;
        this.upgradeOffer = upgradeOffer;
    }

    static ServedExchange of(ServedRequest served) {
        return served == null ? UNRECORDED : new ServedExchange(served, null);
    }

    static ServedExchange offeringUpgrade(HttpRequest request) {
        return new ServedExchange(null, request);
    }

    /** The upgrade offer still unanswered, or null; it is answered by the next call of {@link #answered}. */
    HttpRequest upgradeOffer() {
        return upgradeOffer;
    }

    /** The upgrade offer was answered over HTTP/1.1 ({@code served}), or accepted ({@code null}). */
    void answered(ServedRequest served) {
        this.served = served;
        upgradeOffer = null;
    }

    void read(int bodyBytes) {
        requestBytes += bodyBytes;
    }

    /** The final response's head is on its way: its status, and the mesh's header before it is encoded. */
    void responding(HttpResponse response) {
        if (served == null) {
            return;
        }
        status = response.status().code();
        String peer = served.responseHeader();
        if (peer != null) {
            response.headers().add(ServedRequest.PEER_HEADER, peer);
        }
    }

    /** Body bytes written after the head; anything else a handler writes is not this response's. */
    void wrote(long bodyBytes) {
        if (status != 0) {
            responseBytes += bodyBytes;
        }
    }

    /** The promise of the response's last write, which ends this exchange once it completes. */
    ChannelPromise endWhenWritten(ChannelPromise promise) {
        if (served == null) {
            return promise;
        }
        ChannelPromise listened = promise.unvoid(); // a void promise takes no listener; unvoid keeps its failure reporting
        listened.addListener(this);
        return listened;
    }

    @Override
    public void operationComplete(ChannelFuture written) {
        end();
    }

    void end() {
        if (served != null && !ended) {
            ended = true;
            served.end(status, requestBytes, responseBytes);
        }
    }
}
