package dev.jmesh.it.app.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/** A bare Netty server: {@code HttpServerCodec} and a handler of its own, bodies streamed both ways (no aggregator). */
public final class NettyServer {

    private NettyServer() {}

    public static AutoCloseable start(int port) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new Routes());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
        return () -> {
            server.close().sync();
            group.shutdownGracefully().sync();
        };
    }

    /** One connection's requests, one at a time. */
    private static final class Routes extends ChannelInboundHandlerAdapter {

        private String path;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest request) {
                    path = request.uri();
                    if (path.equals("/echo")) {
                        ctx.write(chunkedHead(HttpResponseStatus.OK));
                    }
                }
                if (msg instanceof HttpContent content) {
                    if (path.equals("/echo") && content.content().isReadable()) {
                        ctx.write(new DefaultHttpContent(content.content().retain()));
                    }
                    if (msg instanceof LastHttpContent) {
                        respond(ctx);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void respond(ChannelHandlerContext ctx) {
            if (path.equals("/echo")) {
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            } else if (path.startsWith("/bytes/")) {
                ctx.write(chunkedHead(HttpResponseStatus.OK));
                for (int left = Integer.parseInt(path.substring("/bytes/".length())); left > 0; left -= 1000) {
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[Math.min(left, 1000)])));
                }
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            } else {
                int status = path.startsWith("/status/") ? Integer.parseInt(path.substring("/status/".length())) : 404;
                HttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(response);
            }
        }

        private static HttpResponse chunkedHead(HttpResponseStatus status) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
            head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            return head;
        }
    }
}
