package dev.jmesh.instrumentation.api;

import java.util.List;

/**
 * What woven code does in the methods {@link #target} matches. A class in which the target
 * matches nothing is refused: the library has changed shape, and it is said in one line.
 */
public record MethodAdvice(MethodMatch target, List<Step> steps) {

    public MethodAdvice {
        steps = List.copyOf(steps);
    }

    public static MethodAdvice of(MethodMatch target, Step... steps) {
        return new MethodAdvice(target, List.of(steps));
    }
}
