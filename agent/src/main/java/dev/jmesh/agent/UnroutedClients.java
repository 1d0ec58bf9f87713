package dev.jmesh.agent;

import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.TypeAdvice;
import java.util.List;

/**
 * HTTP clients jmesh does not route yet, named in one line when they load: their requests to
 * mesh names pass through, and the names do not resolve for them.
 */
final class UnroutedClients implements MeshInstrumentation {

    @Override
    public String name() {
        return "unrouted";
    }

    @Override
    public List<TypeAdvice> types() {
        return List.of();
    }

    @Override
    public List<String> unsupportedClassNames() {
        return List.of("org.eclipse.jetty.client.HttpClient");
    }

    @Override
    public String unsupportedMeaning() {
        return "is a client jmesh does not route yet; its calls to mesh names pass through unrouted";
    }
}
