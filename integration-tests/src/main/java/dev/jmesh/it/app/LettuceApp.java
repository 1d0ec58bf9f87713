package dev.jmesh.it.app;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * An application with Lettuce, the Redis client Spring Data Redis uses, with its defaults (the
 * native epoll transport when it is on the class path, the JDK's resolver through Netty's): it
 * opens N connections to {@code redis://HOST:PORT}, each asking {@code GET who}, and prints
 * {@code RESULT REPLY} or {@code ERROR EXCEPTION} for each.
 *
 * <pre>LettuceApp HOST PORT N</pre>
 */
public final class LettuceApp {

    private LettuceApp() {}

    public static void main(String[] args) {
        RedisClient client = RedisClient.create("redis://" + args[0] + ":" + args[1]);
        boolean ok = true;
        try {
            for (int i = 0, n = Integer.parseInt(args[2]); i < n; i++) {
                try (StatefulRedisConnection<String, String> connection = client.connect()) {
                    System.out.println("RESULT " + connection.sync().get("who"));
                } catch (RuntimeException e) {
                    ok = false;
                    System.out.println("ERROR " + e);
                }
            }
        } finally {
            client.shutdown();
        }
        System.exit(ok ? 0 : 1);
    }
}
