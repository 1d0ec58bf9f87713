package dev.jmesh.instrumentation.apache5;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.IntPredicate;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * The consumer of one attempt's response: at the head it asks the mesh whether the
 * application gets this response; if so, everything goes to the application's consumer, else
 * the body is read and dropped, so that the connection goes back to the pool, and the attempt
 * completes with nothing.
 */
final class VerdictConsumer<T> implements AsyncResponseConsumer<T> {

    private final AsyncResponseConsumer<T> application;
    private final IntPredicate deliver;
    private volatile boolean delivered;
    /** The response head given to the application, once delivered. */
    private volatile HttpResponse head;
    private volatile FutureCallback<T> discarded;

    VerdictConsumer(AsyncResponseConsumer<T> application, IntPredicate deliver) {
        this.application = application;
        this.deliver = deliver;
    }

    @Override
    public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context,
                                FutureCallback<T> resultCallback) throws HttpException, IOException {
        if (deliver.test(response.getCode())) {
            head = response;
            delivered = true;
            application.consumeResponse(response, entity, context, resultCallback);
        } else if (entity == null) {
            resultCallback.completed(null);
        } else {
            discarded = resultCallback;
        }
    }

    /** The delivered response's header {@code name}, or null. */
    String header(String name) {
        HttpResponse delivered = head;
        Header header = delivered == null ? null : delivered.getFirstHeader(name);
        return header == null ? null : header.getValue();
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context) throws HttpException, IOException {
        application.informationResponse(response, context);
    }

    @Override
    public void updateCapacity(CapacityChannel channel) throws IOException {
        if (delivered) {
            application.updateCapacity(channel);
        } else {
            channel.update(Integer.MAX_VALUE);
        }
    }

    @Override
    public void consume(ByteBuffer data) throws IOException {
        if (delivered) {
            application.consume(data);
        } else {
            data.position(data.limit());
        }
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) throws HttpException, IOException {
        if (delivered) {
            application.streamEnd(trailers);
        } else if (discarded != null) {
            discarded.completed(null);
        }
    }

    @Override
    public void failed(Exception cause) {
        if (delivered) {
            application.failed(cause);
        }
    }

    @Override
    public void releaseResources() {
        if (delivered) {
            application.releaseResources();
        }
    }
}
