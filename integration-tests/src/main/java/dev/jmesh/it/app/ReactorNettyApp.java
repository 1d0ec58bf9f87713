package dev.jmesh.it.app;

import java.time.Duration;
import reactor.netty.http.client.HttpClient;

/**
 * An application with Reactor Netty's HTTP client, as Spring's {@code WebClient} uses it, with
 * its defaults (Netty's DNS resolver, the native transport when it is on the class path, a
 * connection pool): prints {@code RESULT URL STATUS BODY} or {@code ERROR URL EXCEPTION} per call.
 *
 * <pre>ReactorNettyApp [--new-connections] N*URL...</pre>
 *
 * {@code --new-connections}: a connection per request, instead of the pool.
 */
public final class ReactorNettyApp {

    private ReactorNettyApp() {}

    public static void main(String[] args) {
        HttpClient client = HttpClient.create();
        boolean ok = true;
        for (String arg : args) {
            if (arg.equals("--new-connections")) {
                client = HttpClient.newConnection();
                continue;
            }
            int star = arg.indexOf('*');
            String url = arg.substring(star + 1);
            for (int i = 0, n = Integer.parseInt(arg.substring(0, star)); i < n; i++) {
                try {
                    String answer = client.get().uri(url)
                            .responseSingle((response, body) -> body.asString()
                                    .map(text -> response.status().code() + " " + text))
                            .block(Duration.ofSeconds(10));
                    System.out.println("RESULT " + url + " " + answer);
                } catch (RuntimeException e) {
                    ok = false;
                    System.out.println("ERROR " + url + " " + e);
                }
            }
        }
        System.exit(ok ? 0 : 1);
    }
}
