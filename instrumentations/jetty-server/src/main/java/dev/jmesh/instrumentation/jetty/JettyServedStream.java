package dev.jmesh.instrumentation.jetty;

import dev.jmesh.bootstrap.ServedRequest;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * A request's stream as Jetty writes the response to the connection: the status of the head it
 * sends, the body bytes it sends, and the exchange's end, succeeded or failed. The request's
 * body bytes are Jetty's own count of what the application read.
 */
final class JettyServedStream extends HttpStream.Wrapper {

    private final ServedRequest served;
    private final Request request;
    // Jetty serialises a stream's sends and its completion.
    private int status;
    private long written;

    JettyServedStream(HttpStream stream, ServedRequest served, Request request) {
        super(stream);
        this.served = served;
        this.request = request;
    }

    @Override
    public void send(MetaData.Request head, MetaData.Response response, boolean last, ByteBuffer content,
                     Callback callback) {
        if (response != null) {
            status = response.getStatus();
        }
        if (content != null) {
            written += content.remaining();
        }
        super.send(head, response, last, content, callback);
    }

    @Override
    public void succeeded() {
        super.succeeded();
        end();
    }

    @Override
    public void failed(Throwable failure) {
        super.failed(failure);
        end();
    }

    private void end() {
        served.end(status, Request.getContentBytesRead(request), written);
    }
}
