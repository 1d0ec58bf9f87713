package dev.jmesh.instrumentation.okhttp;

import dev.jmesh.bootstrap.FailureKind;
import dev.jmesh.bootstrap.HttpTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * One attempt of an OkHttp call is the rest of its interceptor chain, proceeding with the
 * request's URL pointed at the endpoint and the logical {@code Host}. The attempt's bound
 * becomes OkHttp's own connect, read and write timeouts, so pooling and routes stay OkHttp's,
 * keyed per endpoint.
 */
final class OkHttpTransport implements HttpTransport<Response> {

    private final Interceptor.Chain chain;
    private Request request;
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
    public void setHeader(String name, String value) {
        request = request.newBuilder().header(name, value).build();
    }

    @Override
    public long requestBodyBytes() {
        try {
            return request.body() == null ? 0 : request.body().contentLength();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public Response send(InetSocketAddress endpoint, long timeoutMillis) throws IOException {
        Request routed = to(endpoint);
        Interceptor.Chain attempt = timeoutMillis == 0 ? chain
                : chain.withConnectTimeout((int) timeoutMillis, TimeUnit.MILLISECONDS)
                        .withReadTimeout((int) timeoutMillis, TimeUnit.MILLISECONDS)
                        .withWriteTimeout((int) timeoutMillis, TimeUnit.MILLISECONDS);
        return attempt.proceed(routed);
    }

    /** A response OkHttp could have read, with the reason as its text body; only members 3.12 to 5.x all have. */
    @Override
    @SuppressWarnings("deprecation")
    public Response localReply(int status, String reason) {
        return new Response.Builder()
                .request(request)
                .protocol(Protocol.HTTP_1_1)
                .code(status)
                .message(reason)
                .body(ResponseBody.create(MediaType.parse("text/plain; charset=utf-8"), reason))
                .build();
    }

    /**
     * The copy is a call of its own on the application's client, less its interceptors (the
     * application made one call, not two), to the endpoint's address: not a mesh name, so the
     * mesh passes it through.
     */
    @Override
    public boolean mirror(InetSocketAddress endpoint, long timeoutMillis, Runnable done) {
        OkHttpClient client = MirrorClients.of(chain.call());
        if (client == null) {
            return false;
        }
        Call copy = client.newCall(to(endpoint));
        copy.timeout().timeout(timeoutMillis, TimeUnit.MILLISECONDS);
        copy.enqueue(new Discarding(done));
        return true;
    }

    /** A mirror's answer: closed unread. A named class, so that it is defined with the other helpers. */
    static final class Discarding implements Callback {
        private final Runnable done;

        Discarding(Runnable done) {
            this.done = done;
        }

        @Override
        public void onFailure(Call call, IOException e) {
            done.run();
        }

        @Override
        public void onResponse(Call call, Response response) {
            response.close();
            done.run();
        }
    }

    private Request to(InetSocketAddress endpoint) {
        return request.newBuilder()
                .url(request.url().newBuilder().host(endpoint.getHostString()).port(endpoint.getPort()).build())
                .header("Host", host)
                .build();
    }

    @Override
    public int status(Response response) {
        return response.code();
    }

    @Override
    public String responseHeader(Response response, String name) {
        return response.header(name);
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
