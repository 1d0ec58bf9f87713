package dev.jmesh.instrumentation.nettyserver;

import static dev.jmesh.instrumentation.api.Value.argument;

import dev.jmesh.instrumentation.api.Hook;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.MethodAdvice;
import dev.jmesh.instrumentation.api.MethodMatch;
import dev.jmesh.instrumentation.api.Step;
import dev.jmesh.instrumentation.api.TypeAdvice;
import dev.jmesh.instrumentation.api.Value;
import java.util.List;

/**
 * Reports the requests a Netty HTTP server serves (Netty's own, Reactor Netty's, so Spring
 * WebFlux's), by a handler of jmesh's placed right after the server's HTTP codec: for HTTP/1.x
 * after {@code HttpServerCodec}, when its decoder has decoded a connection's first request
 * (before that request goes on; a connection that turns out to speak HTTP/2 from its first bytes
 * never gets one); for HTTP/2, after the server's {@code Http2StreamFrameToHttpObjectCodec} when
 * it joins a stream's child channel. Both codecs hand the handler the same HTTP objects, so one
 * handler serves both. Both classes are codecs' own (netty-codec-http, netty-codec-http2), so an
 * application without them is not looked at.
 */
public final class NettyServerInstrumentation implements MeshInstrumentation {

    static final String HOOKS = "dev.jmesh.instrumentation.nettyserver.NettyServerHooks";
    private static final String CONTEXT = "io.netty.channel.ChannelHandlerContext";

    @Override
    public String name() {
        return "netty-server";
    }

    @Override
    public List<TypeAdvice> types() {
        return List.of(
                TypeAdvice.of("io.netty.handler.codec.http.HttpServerCodec$HttpServerRequestDecoder", MethodAdvice.of(
                        MethodMatch.method("decode", "void", CONTEXT, "io.netty.buffer.ByteBuf", "java.util.List"),
                        Step.exit(Hook.on(HOOKS, "http1Decoded", void.class, Object.class, Object.class)
                                .with(argument(0), argument(2))))),
                codecAdded("io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec",
                        Hook.on(HOOKS, "http2StreamCodecAdded", void.class, boolean.class, Object.class)
                                .with(Value.field("isServer", boolean.class), argument(0))));
    }

    /** At the end of the codec's {@code handlerAdded}: it is in the pipeline and set up. */
    private static TypeAdvice codecAdded(String codec, Hook hook) {
        return TypeAdvice.of(codec, MethodAdvice.of(MethodMatch.method("handlerAdded", "void", CONTEXT), Step.exit(hook)));
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(HOOKS, HOOKS.replace("NettyServerHooks", "ServedRequestsHandler"),
                HOOKS.replace("NettyServerHooks", "ServedExchange"));
    }
}
