package dev.jmesh.it.app.servers;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;

/**
 * Embedded Tomcat with one servlet, HTTP/1.1 and HTTP/2 by upgrade ({@code h2c}); under
 * {@code /async} the same endpoints are answered from an asynchronous request, on another thread.
 */
public final class TomcatServer implements ServedServer {

    private static final String ASYNC = "/async";

    private Tomcat tomcat;

    @Override
    public void start(int port) throws Exception {
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getConnector().addUpgradeProtocol(new Http2Protocol());
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "served", new Served()).setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "served");
        tomcat.start();
    }

    @Override
    public void stop() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }

    private static final class Served extends HttpServlet {

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            String path = request.getRequestURI();
            if (!path.startsWith(ASYNC + "/")) {
                respond(path, request, response);
                return;
            }
            AsyncContext async = request.startAsync();
            async.start(() -> {
                try {
                    respond(path.substring(ASYNC.length()), request, response);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    async.complete();
                }
            });
        }

        private static void respond(String path, HttpServletRequest request, HttpServletResponse response)
                throws IOException {
            Endpoints.Reply reply = Endpoints.reply(path, request.getInputStream().readAllBytes());
            response.setStatus(reply.status());
            if (!reply.streamed()) {
                response.setContentLength(reply.body().length);
            }
            OutputStream body = response.getOutputStream();
            for (byte[] piece : reply.pieces()) {
                body.write(piece);
                body.flush(); // committed without a length: chunked
            }
        }
    }
}
