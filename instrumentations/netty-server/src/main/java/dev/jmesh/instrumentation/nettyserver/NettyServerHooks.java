package dev.jmesh.instrumentation.nettyserver;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;

/** The hooks woven into Netty's HTTP codecs; defined by the agent in the loader that loaded Netty. */
public final class NettyServerHooks {

    /** The handler's name in a pipeline: one per pipeline, whatever re-adds the codec. */
    static final String HANDLER_NAME = "jmesh.servedRequests";

    private NettyServerHooks() {}

    /** A {@code CombinedChannelDuplexHandler} joined a pipeline: a server's HTTP/1.x codec is followed by jmesh's handler. */
    public static void http1CodecAdded(Object codec, Object context) {
        if (codec instanceof HttpServerCodec) {
            follow((ChannelHandlerContext) context, null);
        }
    }

    /** An HTTP/2 stream's codec joined the stream's pipeline; a client's streams are not served requests. */
    public static void http2StreamCodecAdded(boolean server, Object context) {
        if (server) {
            follow((ChannelHandlerContext) context, "HTTP/2.0");
        }
    }

    private static void follow(ChannelHandlerContext codec, String protocol) {
        try {
            ChannelPipeline pipeline = codec.pipeline();
            if (pipeline.get(HANDLER_NAME) == null) {
                pipeline.addAfter(codec.name(), HANDLER_NAME, new ServedRequestsHandler(protocol));
            }
        } catch (RuntimeException e) {
            // Fail open: the server serves on, unrecorded.
        }
    }
}
