package dev.jmesh.instrumentation.netty;

import static dev.jmesh.instrumentation.api.Value.argument;

import dev.jmesh.instrumentation.api.Hook;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.MethodAdvice;
import dev.jmesh.instrumentation.api.MethodMatch;
import dev.jmesh.instrumentation.api.Step;
import dev.jmesh.instrumentation.api.TypeAdvice;
import java.util.List;

/**
 * Netty's resolvers answer a service's name with the service's own address, which only the
 * mesh's connects reach: its DNS resolver ({@code DnsNameResolver}, Reactor Netty's default,
 * which never asks the JDK's) and the resolver on the JDK's lookups
 * ({@code DefaultNameResolver}). Every {@code resolve} and {@code resolveAll} ends in the methods
 * advised here.
 */
public final class NettyResolverInstrumentation implements MeshInstrumentation {

    static final String NAMES = "dev.jmesh.instrumentation.netty.NettyNames";
    private static final String PROMISE = "io.netty.util.concurrent.Promise";
    private static final Hook RESOLVE = Hook.on(NAMES, "resolve", boolean.class, String.class, Object.class);
    private static final Hook RESOLVE_ALL = Hook.on(NAMES, "resolveAll", boolean.class, String.class, Object.class);

    @Override
    public String name() {
        return "netty-resolver";
    }

    @Override
    public List<TypeAdvice> types() {
        String[] dns = {"java.lang.String", "[Lio.netty.handler.codec.dns.DnsRecord;", PROMISE,
            "io.netty.resolver.dns.DnsCache"};
        return List.of(
                TypeAdvice.of("io.netty.resolver.dns.DnsNameResolver",
                        MethodAdvice.of(MethodMatch.method("doResolve", "void", dns),
                                Step.answerIfPresent(RESOLVE.with(argument(0), argument(2)))),
                        MethodAdvice.of(MethodMatch.method("doResolveAll", "void", dns),
                                Step.answerIfPresent(RESOLVE_ALL.with(argument(0), argument(2))))),
                TypeAdvice.of("io.netty.resolver.DefaultNameResolver",
                        MethodAdvice.of(MethodMatch.method("doResolve", "void", "java.lang.String", PROMISE),
                                Step.answerIfPresent(RESOLVE.with(argument(0), argument(1)))),
                        MethodAdvice.of(MethodMatch.method("doResolveAll", "void", "java.lang.String", PROMISE),
                                Step.answerIfPresent(RESOLVE_ALL.with(argument(0), argument(1))))));
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(NAMES);
    }
}
