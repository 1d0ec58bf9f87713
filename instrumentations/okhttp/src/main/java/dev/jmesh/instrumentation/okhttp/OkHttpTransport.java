package dev.jmesh.instrumentation.okhttp;

import dev.jmesh.bootstrap.FailureKind;
import dev.jmesh.bootstrap.HttpTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One attempt of an OkHttp call is the rest of its interceptor chain, proceeding with the
 * request's URL pointed at the endpoint and the logical {@code Host}. The attempt's bound
 * becomes OkHttp's own connect, read and write timeouts, so pooling and routes stay OkHttp's,
 * keyed per endpoint.
 */
final class OkHttpTransport implements HttpTransport<Response> {

    private final Interceptor.Chain chain;
    private final Request request;
    private final String host;

    OkHttpTransport(Interceptor.Chain chain, Request request) {
        this.chain = chain;
        this.request = request;
        this.host = logicalHost(request);
    }

    @Override
    public String header(String name) {
        return request.header(name);
    }

    @Override
    public Response send(InetSocketAddress endpoint, long timeoutMillis) throws IOException {
        Request routed = request.newBuilder()
                .url(request.url().newBuilder().host(endpoint.getHostString()).port(endpoint.getPort()).build())
                .header("Host", host)
                .build();
        Interceptor.Chain attempt = timeoutMillis == 0 ? chain
                : chain.withConnectTimeout((int) timeoutMillis, TimeUnit.MILLISECONDS)
                        .withReadTimeout((int) timeoutMillis, TimeUnit.MILLISECONDS)
                        .withWriteTimeout((int) timeoutMillis, TimeUnit.MILLISECONDS);
        return attempt.proceed(routed);
    }

    @Override
    public int status(Response response) {
        return response.code();
    }

    @Override
    public void discard(Response response) {
        response.close();
    }

    /**
     * OkHttp's own readings first: a cancelled call, a refused HTTP/2 stream, and its call and
     * read timeouts, which are interruptions.
     */
    @Override
    public FailureKind classify(IOException e) {
        if (chain.call().isCanceled()) {
            return FailureKind.OTHER;
        }
        if (e.getClass().getName().equals("okhttp3.internal.http2.StreamResetException")
                && String.valueOf(e.getMessage()).contains("REFUSED_STREAM")) {
            return FailureKind.REFUSED_STREAM;
        }
        FailureKind kind = FailureKind.of(e);
        return kind == FailureKind.OTHER ? FailureKind.TIMEOUT : kind;
    }

    /** The Host the application would have sent: its own header, else the URL's authority. */
    private static String logicalHost(Request request) {
        String host = request.header("Host");
        if (host != null) {
            return host;
        }
        HttpUrl url = request.url();
        return url.port() == HttpUrl.defaultPort(url.scheme()) ? url.host() : url.host() + ":" + url.port();
    }
}
