package dev.jmesh.instrumentation.nettyserver;

import dev.jmesh.bootstrap.ServedRequest;
import dev.jmesh.bootstrap.ServerHooks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;

/**
 * Sits right after a server's HTTP codec and reports each request to the mesh: begun when its
 * head is decoded, ended when the last content of its response is written (or the connection
 * closes first). Body bytes are counted as they pass, decoded on the way in and not yet encoded
 * on the way out, so chunked bodies count the same as sized ones. Responses follow requests in
 * order (HTTP/1.1 pipelining included); an HTTP/2 stream's channel carries one of each. A
 * request upgrading its connection to HTTP/2 is reported once, by the stream that answers it.
 */
final class ServedRequestsHandler extends ChannelDuplexHandler {

    private static final String H2C = "h2c";

    /** What the connection says when its codec's messages do not ({@code HTTP/2.0} on a stream), or null. */
    private final String protocol;
    /** The oldest request still awaiting the end of its response. */
    private ServedExchange responding;
    /** Requests pipelined behind it, rare: created the first time one is. */
    private ArrayDeque<ServedExchange> pipelined;
    /** The newest request, whose body is still coming in. */
    private ServedExchange reading;

    ServedRequestsHandler(String protocol) {
        this.protocol = protocol;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        try {
            if (msg instanceof HttpRequest request) {
                began(ctx.channel(), request);
            }
            if (msg instanceof HttpContent content && reading != null) {
                reading.read(content.content().readableBytes());
            }
        } catch (RuntimeException e) {
            // Fail open: the request is served, unrecorded.
        }
        ctx.fireChannelRead(msg);
    }

    private void began(Channel channel, HttpRequest request) {
        reading = request.headers().containsValue(HttpHeaderNames.UPGRADE, H2C, true)
                ? ServedExchange.offeringUpgrade(request) : ServedExchange.of(begin(channel, request));
        if (responding == null) {
            responding = reading;
        } else {
            if (pipelined == null) {
                pipelined = new ArrayDeque<>(4);
            }
            pipelined.add(reading);
        }
    }

    private ServedRequest begin(Channel channel, HttpRequest request) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        return ServerHooks.begin(request.method().name(), query < 0 ? uri : uri.substring(0, query),
                protocol != null ? protocol : request.protocolVersion().text(), request.headers().get(HttpHeaderNames.HOST),
                request.headers().get(ServedRequest.PEER_HEADER), channel.remoteAddress(), channel.localAddress());
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        ServedExchange exchange = responding;
        if (exchange != null) {
            try {
                promise = written(ctx.channel(), exchange, msg, promise);
            } catch (RuntimeException e) {
                // Fail open: the response goes out as the application wrote it.
            }
        }
        ctx.write(msg, promise);
    }

    /** Accounts one outbound message to the response in progress; the promise to write it with. */
    private ChannelPromise written(Channel channel, ServedExchange exchange, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            int code = response.status().code();
            if (code < 200 && code != 101) {
                return promise; // 100 Continue, 103 Early Hints: the final response is still to come
            }
            HttpRequest offer = exchange.upgradeOffer();
            if (offer != null) {
                boolean accepted = code == 101 && response.headers().containsValue(HttpHeaderNames.UPGRADE, H2C, true);
                exchange.answered(accepted ? null : begin(channel, offer));
            }
            exchange.responding(response);
        }
        if (msg instanceof HttpContent content) {
            exchange.wrote(content.content().readableBytes());
            if (msg instanceof LastHttpContent) {
                responding = pipelined == null ? null : pipelined.poll();
                return exchange.endWhenWritten(promise);
            }
        } else if (msg instanceof ByteBuf body) {
            exchange.wrote(body.readableBytes()); // Reactor Netty writes a response's body as plain buffers
        } else if (msg instanceof FileRegion file) {
            exchange.wrote(file.count());
        } else if (msg instanceof ByteBufHolder frame) {
            exchange.wrote(frame.content().readableBytes()); // on an HTTP/2 stream, Reactor Netty writes data frames
        }
        return promise;
    }

    /** The connection closed: what was still in flight ends with what it got (status 0 when no response head went out). */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        for (ServedExchange exchange = responding; exchange != null;
                exchange = pipelined == null ? null : pipelined.poll()) {
            exchange.end();
        }
        responding = null;
        reading = null;
        ctx.fireChannelInactive();
    }
}
