package dev.jmesh.instrumentation.api;

/** What woven code passes to a {@link Hook}. */
public sealed interface Value {

    /** The instance; not in static methods, nor at a constructor's entry. */
    record This() implements Value {}

    /** Parameter {@code index} (from 0) as the method sees it at that point. */
    record Argument(int index) implements Value {}

    /** A field the class itself declares, which must have type {@code descriptor}. */
    record Field(String name, String descriptor) implements Value {}

    /** The value being returned; the first value of a {@link Step.Exit} that may replace it. */
    record Returned() implements Value {}

    /** The throwable leaving the method; the first value of a {@link Step.Thrown}. */
    record Thrown() implements Value {}

    static Value self() {
        return new This();
    }

    static Value argument(int index) {
        return new Argument(index);
    }

    static Value field(String name, Class<?> type) {
        return new Field(name, Descriptors.of(type));
    }

    /** A field of a library type the agent cannot load, given by binary name. */
    static Value field(String name, String typeName) {
        return new Field(name, Descriptors.ofClassNamed(typeName));
    }

    static Value returned() {
        return new Returned();
    }

    static Value thrown() {
        return new Thrown();
    }
}
