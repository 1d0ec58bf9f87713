package dev.jmesh.instrumentation.api;

import java.util.List;

/**
 * One instrumented library: the classes it rewrites, what it does in which of their methods,
 * and the helpers its hooks need. Pure data: the agent's weaver applies it, and refuses a
 * class whose shape differs from what is declared here (never half-instrumented). Implementations
 * hold no policy; their hooks hand each call to the mesh core.
 */
public interface MeshInstrumentation {

    /** A short name for logs, e.g. {@code "okhttp"}. */
    String name();

    /**
     * The classes this instrumentation rewrites, each with its advice. A class listed more than
     * once has several shapes (the library's versions differ): the first one the loaded class
     * has is woven, and the class is refused only when it has none.
     */
    List<TypeAdvice> types();

    /**
     * Classes of this module that hooks call and that must therefore be defined in the
     * instrumented library's own class loader (they see its types), before the library's
     * classes are transformed. Empty for JDK classes, whose hooks live on the boot class path.
     */
    default List<String> helperClassNames() {
        return List.of();
    }

    /**
     * Classes of the library's family that jmesh does not support (yet), by binary name: the
     * first time one loads, one line names it and its jar and says what that means
     * ({@link #unsupportedMeaning}), so that no library is skipped silently. They load unchanged.
     */
    default List<String> unsupportedClassNames() {
        return List.of();
    }

    /** What the line naming an unsupported class says of it, after its name and jar. */
    default String unsupportedMeaning() {
        return "is not supported by jmesh yet";
    }
}
