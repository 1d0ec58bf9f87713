package dev.jmesh.instrumentation.nettyserver;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;

/** The hooks woven into Netty's HTTP codecs; defined by the agent in the loader that loaded Netty. */
public final class NettyServerHooks {

    /** The handler's name in a pipeline: one per pipeline, whatever re-adds the codec. */
    static final String HANDLER_NAME = "jmesh.servedRequests";

    private NettyServerHooks() {}

    /**
     * {@code HttpServerCodec} decoded some of a connection's bytes into {@code decoded}, not yet
     * passed on: with a request's head among them, jmesh's handler follows the codec, if it does
     * not already.
     */
    public static void http1Decoded(Object context, Object decoded) {
        if (decoded instanceof List<?> messages) {
            for (int i = 0; i < messages.size(); i++) {
                if (messages.get(i) instanceof HttpRequest) {
                    follow((ChannelHandlerContext) context, null);
                    return;
                }
            }
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
            ChannelPipeline pipeline = codec.pipeline(); // the codec's own, also for the decoder's context inside it
            if (pipeline.get(HANDLER_NAME) == null) {
                pipeline.addAfter(codec.name(), HANDLER_NAME, new ServedRequestsHandler(protocol));
            }
        } catch (RuntimeException e) {
            // Fail open: the server serves on, unrecorded.
        }
    }
}
