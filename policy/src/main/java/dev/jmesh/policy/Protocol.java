package dev.jmesh.policy;

import java.util.Locale;
import java.util.Optional;

/** How a service is reached: per HTTP request, or per TCP connection. */
public enum Protocol {

    /** {@code http://NAME/...} requests from the instrumented HTTP clients, balanced per request. */
    HTTP,
    /** Any TCP connection to {@code NAME} (sockets, NIO channels, JDBC drivers), balanced per connection. */
    TCP;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Protocol> fromConfigName(String name) {
        for (Protocol p : values()) {
            if (p.configName().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
