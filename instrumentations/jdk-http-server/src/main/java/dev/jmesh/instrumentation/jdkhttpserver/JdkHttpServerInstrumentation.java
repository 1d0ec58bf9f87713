package dev.jmesh.instrumentation.jdkhttpserver;

import static dev.jmesh.instrumentation.api.Value.field;
import static dev.jmesh.instrumentation.api.Value.self;
import static dev.jmesh.instrumentation.api.Value.thrown;

import dev.jmesh.bootstrap.JdkHttpServerHooks;
import dev.jmesh.instrumentation.api.Hook;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.MethodAdvice;
import dev.jmesh.instrumentation.api.MethodMatch;
import dev.jmesh.instrumentation.api.Step;
import dev.jmesh.instrumentation.api.TypeAdvice;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;

/**
 * Reports every request the JDK's own HTTP server ({@code com.sun.net.httpserver.HttpServer},
 * module {@code jdk.httpserver}, defined by the platform loader) hands to the application's
 * handlers, the same on JDK 17 and 25:
 *
 * <ul>
 *   <li>{@code ServerImpl.Exchange.run()} reads a request's head and makes the exchange the
 *       handlers see, a {@code HttpExchangeImpl} (or {@code HttpsExchangeImpl}), only once the
 *       head is valid and a context matches: its constructor's end is where the request begins
 *       ({@link JdkServerExchanges}).</li>
 *   <li>The request ends when the response body stream is closed, which the application does
 *       itself or through {@code HttpExchange.close()} (and the server does for a response
 *       without a body): seen by the exchange's counting streams.</li>
 *   <li>A handler that throws leaves {@code run()} normally, the server having closed the
 *       connection: {@code run()}'s return (or its throw) ends a request still open there.</li>
 * </ul>
 *
 * <p>Requests the server refuses before any handler (a bad request line, no context: 400, 404,
 * 501) are not reported.
 */
public final class JdkHttpServerInstrumentation implements MeshInstrumentation {

    private static final String EXCHANGE_IMPL = "Lsun/net/httpserver/ExchangeImpl;";
    private static final Hook STARTED = Hook.on(JdkHttpServerHooks.class, "exchangeStarted", void.class, Object.class);
    private static final Hook RETURNED = Hook.on(JdkHttpServerHooks.class, "exchangeReturned", void.class,
            SocketChannel.class);
    private static final Hook THREW = Hook.on(JdkHttpServerHooks.class, "exchangeThrew", void.class, Throwable.class);

    @Override
    public String name() {
        return "jdk-http-server";
    }

    @Override
    public List<TypeAdvice> types() {
        return List.of(
                started("sun.net.httpserver.HttpExchangeImpl"),
                started("sun.net.httpserver.HttpsExchangeImpl"),
                TypeAdvice.of("sun.net.httpserver.ServerImpl$Exchange", MethodAdvice.of(
                        MethodMatch.method("run", void.class),
                        Step.exit(RETURNED.with(field("chan", SocketChannel.class))),
                        Step.thrown(THREW.with(thrown())))));
    }

    private static TypeAdvice started(String exchangeClass) {
        return TypeAdvice.of(exchangeClass, MethodAdvice.of(MethodMatch.constructor(1, Map.of(0, EXCHANGE_IMPL)),
                Step.exit(STARTED.with(self()))));
    }
}
