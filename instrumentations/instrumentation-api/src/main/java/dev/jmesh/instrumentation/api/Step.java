package dev.jmesh.instrumentation.api;

/**
 * One thing woven code does in a method. The set is small on purpose: each step is straight
 * code around one hook call, so the weaver never has to analyse the method it rewrites.
 */
public sealed interface Step {

    Hook hook();

    /** At entry, calls the hook and ignores what it returns. */
    record Enter(Hook hook) implements Step {}

    /**
     * At entry, calls the hook; when it answers (a non-null reference, or {@code true} for a
     * method returning nothing or a boolean) the method returns that answer and its own body is
     * skipped.
     */
    record AnswerIfPresent(Hook hook) implements Step {}

    /** At entry, parameter {@code index} takes what the hook returns. */
    record ReplaceArgument(int index, Hook hook) implements Step {}

    /**
     * At every normal return, calls the hook. When the hook's first value is
     * {@link Value.Returned}, what it returns is returned instead.
     */
    record Exit(Hook hook) implements Step {}

    /** At every normal return, the field (declared by the class, of the hook's return type) takes what the hook returns. */
    record ExitStoreField(String field, String descriptor, Hook hook) implements Step {}

    /**
     * When the method throws, calls the hook with the throwable first; the throwable then
     * propagates unchanged. Handlers the method has for itself run first.
     */
    record Thrown(Hook hook) implements Step {}

    static Step enter(Hook hook) {
        return new Enter(hook);
    }

    static Step answerIfPresent(Hook hook) {
        return new AnswerIfPresent(hook);
    }

    static Step replaceArgument(int index, Hook hook) {
        return new ReplaceArgument(index, hook);
    }

    static Step exit(Hook hook) {
        return new Exit(hook);
    }

    static Step exitStoreField(String field, Class<?> type, Hook hook) {
        return new ExitStoreField(field, Descriptors.of(type), hook);
    }

    static Step thrown(Hook hook) {
        return new Thrown(hook);
    }
}
