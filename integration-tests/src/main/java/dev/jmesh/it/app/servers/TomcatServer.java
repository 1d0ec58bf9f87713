package dev.jmesh.it.app.servers;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;

/** Embedded Tomcat with one servlet, HTTP/1.1 and HTTP/2 by upgrade; {@code /async/...} is served by the same code from an asynchronous request. */
public final class TomcatServer {

    private TomcatServer() {}

    public static AutoCloseable start(int port) throws IOException, LifecycleException {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getConnector().addUpgradeProtocol(new Http2Protocol());
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "served", new Served()).setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "served");
        tomcat.start();
        return () -> {
            tomcat.stop();
            tomcat.destroy();
        };
    }

    private static final class Served extends HttpServlet {

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String path = request.getRequestURI();
            if (!path.startsWith("/async/")) {
                respond(path, request, response);
                return;
            }
            AsyncContext async = request.startAsync();
            async.start(() -> {
                try {
                    respond(path.substring("/async".length()), request, response);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    async.complete();
                }
            });
        }

        private static void respond(String path, HttpServletRequest request, HttpServletResponse response)
                throws IOException {
            if (path.equals("/echo")) {
                request.getInputStream().transferTo(response.getOutputStream());
            } else if (path.startsWith("/status/")) {
                response.setStatus(Integer.parseInt(path.substring("/status/".length())));
            } else if (path.startsWith("/bytes/")) {
                OutputStream body = response.getOutputStream();
                byte[] piece = new byte[1000];
                for (int left = Integer.parseInt(path.substring("/bytes/".length())); left > 0; left -= piece.length) {
                    body.write(piece, 0, Math.min(left, piece.length));
                    body.flush(); // committed without a length: chunked
                }
            } else {
                response.setStatus(404);
            }
        }
    }
}
