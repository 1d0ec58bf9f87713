package dev.jmesh.it.app;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Netty client, as Lettuce and Reactor Netty use Netty: a {@code Bootstrap} connecting to a
 * host name and port, over NIO or the native epoll transport, with the JDK's resolver or
 * Netty's own DNS resolver. In a class of its own, loaded only when a Netty mode is run.
 */
@SuppressWarnings("deprecation") // the event loop groups every Netty 4.1 and 4.2 application knows
final class NettyConnect {

    private NettyConnect() {}

    static String firstLine(String host, int port, boolean epoll, boolean nettyDns) throws Exception {
        if (epoll) {
            Epoll.ensureAvailability();
        }
        EventLoopGroup group = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        try {
            CompletableFuture<String> line = new CompletableFuture<>();
            Bootstrap bootstrap = new Bootstrap().group(group)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .handler(new FirstLine(line));
            if (nettyDns) {
                bootstrap.resolver(new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                        .datagramChannelType(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)));
            }
            bootstrap.connect(host, port).sync();
            return line.get(5, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Completes with the first line the server sends. */
    private static final class FirstLine extends ChannelInboundHandlerAdapter {

        private final CompletableFuture<String> line;
        private final StringBuilder received = new StringBuilder();

        FirstLine(CompletableFuture<String> line) {
            this.line = line;
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            ByteBuf bytes = (ByteBuf) message;
            received.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.release();
            int end = received.indexOf("\n");
            if (end >= 0) {
                line.complete(received.substring(0, end));
                context.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            line.completeExceptionally(cause);
            context.close();
        }
    }
}
