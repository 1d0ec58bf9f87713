package dev.jmesh.instrumentation.tomcat;

import static dev.jmesh.instrumentation.api.Value.argument;
import static dev.jmesh.instrumentation.api.Value.self;

import dev.jmesh.instrumentation.api.Hook;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.MethodAdvice;
import dev.jmesh.instrumentation.api.MethodMatch;
import dev.jmesh.instrumentation.api.Step;
import dev.jmesh.instrumentation.api.TypeAdvice;
import java.util.List;

/**
 * Reports the requests Tomcat serves (standalone, embedded, Spring Boot's), HTTP/1.1 and HTTP/2
 * alike: each one enters the container through {@code CoyoteAdapter.service}, and its servlet
 * response is recycled once the response is complete — at the end of {@code service}, or for an
 * asynchronous request when it completes or fails, whichever thread that is on.
 */
public final class TomcatInstrumentation implements MeshInstrumentation {

    static final String HOOKS = "dev.jmesh.instrumentation.tomcat.TomcatHooks";
    private static final String COYOTE_REQUEST = "org.apache.coyote.Request";
    private static final String COYOTE_RESPONSE = "org.apache.coyote.Response";

    @Override
    public String name() {
        return "tomcat";
    }

    @Override
    public List<TypeAdvice> types() {
        return List.of(
                TypeAdvice.of("org.apache.catalina.connector.CoyoteAdapter", MethodAdvice.of(
                        MethodMatch.method("service", "void", COYOTE_REQUEST, COYOTE_RESPONSE),
                        Step.enter(Hook.on(HOOKS, "service", void.class, Object.class, Object.class)
                                .with(argument(0), argument(1))))),
                TypeAdvice.of("org.apache.catalina.connector.Response", MethodAdvice.of(
                        MethodMatch.method("recycle", "void"),
                        Step.enter(Hook.on(HOOKS, "recycled", void.class, Object.class).with(self())))));
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(HOOKS);
    }
}
