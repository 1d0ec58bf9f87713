package dev.jmesh.it.app;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import java.util.concurrent.TimeUnit;

/**
 * An application with a Netty HTTP client, the kind Reactor Netty and Vert.x are: it connects
 * to HOST PORT with Netty's HTTP client codec in its pipeline and prints {@code CONNECTED} or
 * {@code ERROR EXCEPTION}.
 */
@SuppressWarnings("deprecation") // the event loop group every Netty 4.1 and 4.2 application knows
public final class NettyHttpApp {

    private NettyHttpApp() {}

    public static void main(String[] args) throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new HttpClientCodec())
                    .connect(args[0], Integer.parseInt(args[1])).sync().channel().close().sync();
            System.out.println("CONNECTED");
        } catch (Exception e) {
            System.out.println("ERROR " + e);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
