package dev.jmesh.it.app.servers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** Reactor Netty's HTTP server, as Spring WebFlux runs it; HTTP/1.1, and HTTP/2 by upgrade ({@code h2c}). */
public final class ReactorNettyServer implements ServedServer {

    private DisposableServer server;

    @Override
    public void start(int port) {
        server = HttpServer.create().host("127.0.0.1").port(port)
                .protocol(HttpProtocol.HTTP11, HttpProtocol.H2C)
                .handle(ReactorNettyServer::serve)
                .bindNow();
    }

    private static Mono<Void> serve(HttpServerRequest request, HttpServerResponse response) {
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                .flatMap(body -> {
                    Endpoints.Reply reply = Endpoints.reply(request.fullPath(), body);
                    response.status(reply.status());
                    if (!reply.streamed()) {
                        response.header("content-length", Integer.toString(reply.body().length));
                    }
                    return response.send(Flux.fromArray(reply.pieces()).map(Unpooled::wrappedBuffer)
                            .cast(ByteBuf.class)).then();
                });
    }

    @Override
    public void stop() {
        server.disposeNow();
    }
}
