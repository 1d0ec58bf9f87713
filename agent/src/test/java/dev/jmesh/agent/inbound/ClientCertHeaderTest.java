package dev.jmesh.agent.inbound;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClientCertHeaderTest {

    private static final String XFCC = "By=spiffe://t/ns/d/sa/orders;Hash=ab12;URI=spiffe://t/ns/d/sa/shop";

    private static String copy(String request, String value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ClientCertHeader(new ByteArrayInputStream(request.getBytes(StandardCharsets.ISO_8859_1)), out, value).copy();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void everyRequestOnAKeepAliveConnectionNamesTheCaller() throws IOException {
        String in = "GET /a HTTP/1.1\r\nHost: orders\r\n\r\n"
                + "POST /b HTTP/1.1\r\nHost: orders\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /c HTTP/1.1\r\nHost: orders\r\n\r\n";
        assertEquals("GET /a HTTP/1.1\r\nHost: orders\r\nx-forwarded-client-cert: " + XFCC + "\r\n\r\n"
                + "POST /b HTTP/1.1\r\nHost: orders\r\nContent-Length: 5\r\nx-forwarded-client-cert: " + XFCC
                + "\r\n\r\nhello"
                + "GET /c HTTP/1.1\r\nHost: orders\r\nx-forwarded-client-cert: " + XFCC + "\r\n\r\n", copy(in, XFCC));
    }

    @Test
    void aCallerCannotSayWhoItIsItself() throws IOException {
        String in = "GET / HTTP/1.1\r\nX-Forwarded-Client-Cert: URI=spiffe://t/ns/d/sa/admin\r\nHost: o\r\n\r\n";
        assertEquals("GET / HTTP/1.1\r\nHost: o\r\nx-forwarded-client-cert: " + XFCC + "\r\n\r\n", copy(in, XFCC));
        assertEquals("GET / HTTP/1.1\r\nHost: o\r\n\r\n", copy(in, null), "a plaintext caller gets no header at all");
    }

    @Test
    void chunkedBodiesAndTheirTrailersAreFollowedToTheNextRequest() throws IOException {
        String body = "4\r\nwiki\r\n5;ext=1\r\npedia\r\n0\r\nChecksum: x\r\n\r\n";
        String in = "POST /u HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + body + "GET /next HTTP/1.1\r\n\r\n";
        assertEquals("POST /u HTTP/1.1\r\nTransfer-Encoding: chunked\r\nx-forwarded-client-cert: v\r\n\r\n" + body
                + "GET /next HTTP/1.1\r\nx-forwarded-client-cert: v\r\n\r\n", copy(in, "v"));
    }

    @Test
    void otherProtocolsAreCopiedAsTheyAre() throws IOException {
        byte[] postgresStartup = {0, 0, 0, 8, 4, (byte) 210, 22, 47, 0, 0, 0, 9, 1, 2, 3};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ClientCertHeader(new ByteArrayInputStream(postgresStartup), out, XFCC).copy();
        assertArrayEquals(postgresStartup, out.toByteArray());

        String websocket = "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081\u0005hello"
                + "GET /not-a-request HTTP/1.1\r\n\r\n";
        assertEquals("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nx-forwarded-client-cert: v\r\n\r\n"
                + "\u0081\u0005helloGET /not-a-request HTTP/1.1\r\n\r\n", copy(websocket, "v"));
    }
}
