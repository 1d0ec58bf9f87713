package dev.jmesh.agent;

import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.TypeAdvice;
import java.util.List;

/**
 * HTTP servers whose requests jmesh does not count yet, named in one line when they load: the
 * destination side of calls to them is missing from the metrics and the access log.
 */
final class UncountedServers implements MeshInstrumentation {

    @Override
    public String name() {
        return "uncounted";
    }

    @Override
    public List<TypeAdvice> types() {
        return List.of();
    }

    /** Undertow (one of Spring Boot's embedded servers) and Helidon 4's own server. */
    @Override
    public List<String> unsupportedClassNames() {
        return List.of("io.undertow.Undertow", "io.helidon.webserver.WebServer");
    }

    @Override
    public String unsupportedMeaning() {
        return "is a server jmesh does not count requests of yet: what it serves is missing from"
                + " reporter=\"destination\" metrics and the access log";
    }
}
