package dev.jmesh.instrumentation.apache4;

import org.apache.http.HttpVersion;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.message.BasicHttpResponse;

/** A response the mesh gives without sending the request (a fault abort, a rate limit), its reason as a text body. */
final class LocalResponse4 extends BasicHttpResponse implements CloseableHttpResponse {

    LocalResponse4(int status, String reason) {
        super(HttpVersion.HTTP_1_1, status, reason);
        setEntity(new StringEntity(reason, ContentType.TEXT_PLAIN));
    }

    @Override
    public void close() {
        // nothing to release: no connection was used
    }
}
