package dev.jmesh.it.app;

import dev.jmesh.it.app.servers.NettyServer;
import dev.jmesh.it.app.servers.ReactorNettyServer;
import dev.jmesh.it.app.servers.TomcatServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * An ordinary server that knows nothing of jmesh, on 127.0.0.1 at the port it is given:
 *
 * <pre>
 * ServerAppB tomcat|netty|reactor-netty PORT
 * </pre>
 *
 * serving {@code POST /echo} (the request's body back), {@code /status/CODE} (that status, no
 * body) and {@code /bytes/N} (N body bytes, streamed in pieces). Tomcat serves the same under
 * {@code /async/...} from an asynchronous servlet. It prints {@code LISTENING} once bound, and
 * stops when it reads {@code exit} (or end of input), printing {@code STOPPED}.
 */
public final class ServerAppB {

    private ServerAppB() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        AutoCloseable server = switch (args[0]) {
            case "tomcat" -> TomcatServer.start(port);
            case "netty" -> NettyServer.start(port);
            case "reactor-netty" -> ReactorNettyServer.start(port);
            default -> throw new IllegalArgumentException("unknown server " + args[0]);
        };
        System.out.println("LISTENING");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null && !line.equals("exit"); ) {
            // only "exit" means something
        }
        server.close();
        System.out.println("STOPPED");
    }
}
