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
 * Netty's own DNS resolver ({@code DnsNameResolver}, which never asks the JDK's) answers a tcp
 * service's name as the JDK's lookups do under the agent: with the service's own address, which
 * only the mesh's connects reach. Every {@code resolve} and {@code resolveAll} ends in the two
 * methods advised here.
 */
public final class NettyDnsInstrumentation implements MeshInstrumentation {

    static final String NAMES = "dev.jmesh.instrumentation.netty.NettyNames";
    private static final String RESOLVER = "io.netty.resolver.dns.DnsNameResolver";
    private static final String[] PARAMETERS = {
        "java.lang.String", "[Lio.netty.handler.codec.dns.DnsRecord;", "io.netty.util.concurrent.Promise",
        "io.netty.resolver.dns.DnsCache",
    };

    @Override
    public String name() {
        return "netty-dns";
    }

    @Override
    public List<TypeAdvice> types() {
        return List.of(TypeAdvice.of(RESOLVER,
                MethodAdvice.of(MethodMatch.method("doResolve", "void", PARAMETERS),
                        Step.answerIfPresent(Hook.on(NAMES, "resolve", boolean.class, String.class, Object.class)
                                .with(argument(0), argument(2)))),
                MethodAdvice.of(MethodMatch.method("doResolveAll", "void", PARAMETERS),
                        Step.answerIfPresent(Hook.on(NAMES, "resolveAll", boolean.class, String.class, Object.class)
                                .with(argument(0), argument(2))))));
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(NAMES);
    }
}
