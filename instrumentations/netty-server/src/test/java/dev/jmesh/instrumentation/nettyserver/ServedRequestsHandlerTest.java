package dev.jmesh.instrumentation.nettyserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jmesh.bootstrap.Mesh;
import dev.jmesh.bootstrap.Router;
import dev.jmesh.bootstrap.ServedRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The handler between a real {@code HttpServerCodec} and the application, on an embedded channel:
 * what it reports for the exchanges HTTP/1.1 allows (pipelined, interim responses, a connection
 * closed mid-way), with a router that records what it is told.
 */
class ServedRequestsHandlerTest {

    /** What the router was told, one line per begin and per end. */
    private final List<String> told = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    @BeforeEach
    void serveThroughTheCodec() {
        Mesh.install((Router) Proxy.newProxyInstance(Router.class.getClassLoader(), new Class<?>[] {Router.class},
                (proxy, method, args) -> method.getName().equals("serve") ? served(args) : null));
        channel.pipeline().addLast("codec", new HttpServerCodec());
        // What the woven decoder does once it has decoded a request's head.
        NettyServerHooks.http1Decoded(channel.pipeline().context("codec"),
                List.of(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/")));
    }

    @AfterEach
    void uninstall() {
        Mesh.install(null);
        channel.finishAndReleaseAll();
    }

    private ServedRequest served(Object[] args) {
        String path = (String) args[1];
        told.add("begin " + args[0] + " " + path + " " + args[2] + " host=" + args[3] + " peer=" + args[4]);
        return new ServedRequest() {
            @Override
            public String responseHeader() {
                return args[4] == null ? null : "workload=orders";
            }

            @Override
            public void end(int status, long requestBodyBytes, long responseBodyBytes) {
                told.add("end " + path + " " + status + " " + requestBodyBytes + " " + responseBodyBytes);
            }
        };
    }

    @Test
    void theHandlerFollowsTheCodecOnce() {
        NettyServerHooks.http1Decoded(channel.pipeline().context("codec"),
                List.of(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/")));
        assertEquals(List.of("codec", NettyServerHooks.HANDLER_NAME), channel.pipeline().names().subList(0, 2));
        assertEquals(1, channel.pipeline().names().stream().filter(NettyServerHooks.HANDLER_NAME::equals).count());
    }

    @Test
    void aChunkedRequestAndAChunkedResponseCountTheirBodyBytes() {
        request("POST /echo HTTP/1.1\r\nHost: orders\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        respond(chunkedHead(HttpResponseStatus.OK), content("hello"), content(" world!"), LastHttpContent.EMPTY_LAST_CONTENT);
        assertEquals(List.of("begin POST /echo HTTP/1.1 host=orders peer=null", "end /echo 200 11 12"), told);
    }

    @Test
    void theMeshHeaderIsAddedToTheResponseOfAMeshCallerOnly() {
        request("GET /a?x=1 HTTP/1.1\r\nx-jmesh-peer: workload=frontend\r\n\r\nGET /b HTTP/1.1\r\n\r\n");
        HttpResponse first = status(200);
        HttpResponse second = status(200);
        respond(first, second);
        assertEquals("workload=orders", first.headers().get(ServedRequest.PEER_HEADER));
        assertNull(second.headers().get(ServedRequest.PEER_HEADER));
        assertEquals("begin GET /a HTTP/1.1 host=null peer=workload=frontend", told.get(0), "the query is not the path");
    }

    @Test
    void pipelinedRequestsEndInTheOrderOfTheirResponses() {
        request("POST /one HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /two HTTP/1.1\r\n\r\nGET /three HTTP/1.1\r\n\r\n");
        respond(status(201), chunkedHead(HttpResponseStatus.OK), content("xy"), LastHttpContent.EMPTY_LAST_CONTENT,
                status(503));
        assertEquals(List.of("end /one 201 3 0", "end /two 200 0 2", "end /three 503 0 0"),
                told.stream().filter(line -> line.startsWith("end")).toList());
    }

    @Test
    void anInterimResponseIsNotTheEnd() {
        request("POST /upload HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
        respond(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        request("data");
        respond(status(204));
        assertEquals(List.of("begin POST /upload HTTP/1.1 host=null peer=null", "end /upload 204 4 0"), told);
    }

    @Test
    void anUpgradeToHttp2AcceptedIsLeftToTheStreamThatAnswersIt() {
        request("GET /up HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n");
        HttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        switching.headers().set(HttpHeaderNames.UPGRADE, "h2c");
        respond(switching);
        assertEquals(List.of(), told);
    }

    @Test
    void anUpgradeToHttp2DeclinedIsAnsweredAndReportedOverHttp1() {
        request("POST /up HTTP/1.1\r\nUpgrade: h2c\r\nContent-Length: 2\r\n\r\nok");
        respond(status(200));
        assertEquals(List.of("begin POST /up HTTP/1.1 host=null peer=null", "end /up 200 2 0"), told);
    }

    @Test
    void aBodyWrittenAsPlainBuffersCountsAsReactorNettyWritesIt() {
        request("GET /bytes HTTP/1.1\r\n\r\n");
        respond(chunkedHead(HttpResponseStatus.OK), Unpooled.wrappedBuffer(new byte[700]),
                new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[300])));
        assertEquals("end /bytes 200 0 1000", told.get(1));
    }

    @Test
    void aConnectionClosedBeforeTheResponseEndsTheRequestWithoutStatus() {
        request("POST /slow HTTP/1.1\r\nContent-Length: 10\r\n\r\n12345");
        channel.close();
        assertEquals(List.of("begin POST /slow HTTP/1.1 host=null peer=null", "end /slow 0 5 0"), told);
    }

    @Test
    void aConnectionClosedMidResponseEndsItOnceWithItsStatus() {
        request("GET /stream HTTP/1.1\r\n\r\n");
        respond(chunkedHead(HttpResponseStatus.OK), content("part"));
        channel.close();
        assertEquals(List.of("begin GET /stream HTTP/1.1 host=null peer=null", "end /stream 200 0 4"), told);
    }

    @Test
    void withoutTheMeshNothingIsReportedAndResponsesPassUnchanged() {
        Mesh.install(null);
        request("GET /a HTTP/1.1\r\nx-jmesh-peer: workload=frontend\r\n\r\n");
        HttpResponse response = status(200);
        respond(response);
        assertNull(response.headers().get(ServedRequest.PEER_HEADER));
        assertEquals(List.of(), told);
    }

    private void request(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
        for (Object decoded; (decoded = channel.readInbound()) != null; ) {
            ReferenceCountUtil.release(decoded);
        }
    }

    private void respond(Object... messages) {
        for (Object message : messages) {
            channel.writeAndFlush(message);
        }
        for (Object encoded; (encoded = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(encoded);
        }
    }

    private static HttpResponse status(int code) {
        HttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code));
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    private static HttpResponse chunkedHead(HttpResponseStatus status) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        return head;
    }

    private static DefaultHttpContent content(String text) {
        ByteBuf bytes = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
        return new DefaultHttpContent(bytes);
    }
}
