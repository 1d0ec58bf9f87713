package dev.jmesh.instrumentation.jetty;

import static dev.jmesh.instrumentation.api.Value.argument;

import dev.jmesh.instrumentation.api.Hook;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.MethodAdvice;
import dev.jmesh.instrumentation.api.MethodMatch;
import dev.jmesh.instrumentation.api.Step;
import dev.jmesh.instrumentation.api.TypeAdvice;
import java.util.List;

/**
 * Reports every request a Jetty 12 server serves, HTTP/1.1 and HTTP/2, core handlers and
 * servlets alike: Jetty's channel hands each request to {@code Server.handle(request, response,
 * callback)}, the root of every handler tree ({@link JettyServedRequest}). The request's
 * {@code HttpStream}, wrapped there, sees what is sent and when the exchange is complete,
 * whichever way it ends (a handler's callback, Jetty's own 404 for an unhandled request, the
 * error page of a handler that threw, a broken connection).
 */
public final class JettyServerInstrumentation implements MeshInstrumentation {

    static final String SERVED = "dev.jmesh.instrumentation.jetty.JettyServedRequest";
    private static final String STREAM = "dev.jmesh.instrumentation.jetty.JettyServedStream";
    private static final Hook BEGIN = Hook.on(SERVED, "begin", void.class, Object.class, Object.class);

    @Override
    public String name() {
        return "jetty-server";
    }

    @Override
    public List<TypeAdvice> types() {
        return List.of(TypeAdvice.of("org.eclipse.jetty.server.Server", MethodAdvice.of(
                MethodMatch.method("handle", "boolean", "org.eclipse.jetty.server.Request",
                        "org.eclipse.jetty.server.Response", "org.eclipse.jetty.util.Callback"),
                Step.enter(BEGIN.with(argument(0), argument(1))))));
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(STREAM, SERVED);
    }
}
