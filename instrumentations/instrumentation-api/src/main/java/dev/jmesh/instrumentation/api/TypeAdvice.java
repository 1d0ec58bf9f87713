package dev.jmesh.instrumentation.api;

import java.util.List;

/**
 * Advice for one class, named exactly (binary name, {@code okhttp3.internal.http.RealInterceptorChain}):
 * nothing is matched by pattern, so the agent looks at one hash lookup per loaded class.
 */
public record TypeAdvice(String className, List<MethodAdvice> methods) {

    public TypeAdvice {
        methods = List.copyOf(methods);
    }

    public static TypeAdvice of(String className, MethodAdvice... methods) {
        return new TypeAdvice(className, List.of(methods));
    }

    /** The name as class file transformers see it: {@code okhttp3/internal/http/RealInterceptorChain}. */
    public String internalName() {
        return className.replace('.', '/');
    }
}
