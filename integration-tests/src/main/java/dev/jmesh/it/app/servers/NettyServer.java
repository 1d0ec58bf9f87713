package dev.jmesh.it.app.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;

/**
 * A bare Netty server, HTTP/1.1: {@code HttpServerCodec} and a handler of its own (no
 * aggregator, so the codec hands on a body in pieces); a handler failure answers 500 and closes.
 */
public final class NettyServer implements ServedServer {

    private EventLoopGroup group;
    private Channel server;

    @Override
    public void start(int port) throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new Routes());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
    }

    @Override
    public void stop() throws InterruptedException {
        server.close().sync();
        group.shutdownGracefully().sync();
    }

    /** One connection's requests, one at a time: the body read whole, then answered. */
    private static final class Routes extends ChannelInboundHandlerAdapter {

        private String path;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws IOException {
            try {
                if (msg instanceof HttpRequest request) {
                    path = URI.create(request.uri()).getPath();
                    body.reset();
                }
                if (msg instanceof HttpContent content) {
                    content.content().readBytes(body, content.content().readableBytes());
                    if (msg instanceof LastHttpContent) {
                        respond(ctx, Endpoints.reply(path, body.toByteArray()));
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private static void respond(ChannelHandlerContext ctx, Endpoints.Reply reply) throws IOException {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()));
            if (reply.streamed()) {
                head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                head.headers().set(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
            }
            ctx.write(head);
            for (byte[] piece : reply.pieces()) {
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(piece)));
            }
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }

        /** A failed handler: 500, and the connection closed after it. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            HttpResponse failed = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.INTERNAL_SERVER_ERROR);
            failed.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(failed).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
