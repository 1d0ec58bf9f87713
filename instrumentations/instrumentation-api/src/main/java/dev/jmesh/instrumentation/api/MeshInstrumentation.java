package dev.jmesh.instrumentation.api;

import java.util.List;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * One instrumented library: which classes it rewrites and how. Implementations hold no
 * policy; their advice hands each call to the mesh core through {@code dev.jmesh.bootstrap.Mesh}.
 */
public interface MeshInstrumentation {

    /** A short name for logs, e.g. {@code "okhttp"}. */
    String name();

    /** The exact binary names of the classes this instrumentation transforms. */
    Set<String> typeNames();

    /** Applies the advice to one of {@link #typeNames()}. */
    AgentBuilder.Transformer transformer();

    /**
     * Classes of this module that advice refers to and that must therefore be defined in the
     * instrumented library's own class loader (they see its types), before the library's
     * classes are transformed. Empty for JDK classes.
     */
    default List<String> helperClassNames() {
        return List.of();
    }
}
