package dev.jmesh.instrumentation.nettyserver;

import static dev.jmesh.instrumentation.api.Value.argument;
import static dev.jmesh.instrumentation.api.Value.self;

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
 * WebFlux's), by a handler of jmesh's placed right after the server's HTTP codec when the codec
 * joins a pipeline: HTTP/1.x after {@code HttpServerCodec} (a {@code CombinedChannelDuplexHandler},
 * whose {@code handlerAdded} is where every codec of that kind joins), and HTTP/2 streams after
 * the server's {@code Http2StreamFrameToHttpObjectCodec} in each stream's child channel. Both
 * codecs hand the handler the same HTTP objects, so one handler serves both.
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
                codecAdded("io.netty.channel.CombinedChannelDuplexHandler",
                        Hook.on(HOOKS, "http1CodecAdded", void.class, Object.class, Object.class)
                                .with(self(), argument(0))),
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
