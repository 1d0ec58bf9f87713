package dev.jmesh.it.app.servers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

/** Reactor Netty's HTTP server, as Spring WebFlux runs it, with its router; HTTP/1.1, and HTTP/2 by upgrade. */
public final class ReactorNettyServer {

    private ReactorNettyServer() {}

    public static AutoCloseable start(int port) {
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(port)
                .protocol(HttpProtocol.HTTP11, HttpProtocol.H2C)
                .route(routes -> routes
                        .post("/echo", (request, response) -> response.send(request.receive().retain()))
                        .get("/status/{code}", (request, response) ->
                                response.status(Integer.parseInt(request.param("code"))).send())
                        .get("/bytes/{n}", (request, response) ->
                                response.send(pieces(Integer.parseInt(request.param("n"))))))
                .bindNow();
        return server::disposeNow;
    }

    /** {@code n} bytes in pieces of 1000: a streamed, chunked body. */
    private static Flux<ByteBuf> pieces(int n) {
        return Flux.range(0, (n + 999) / 1000)
                .map(i -> Unpooled.wrappedBuffer(new byte[Math.min(1000, n - i * 1000)]));
    }
}
