package dev.jmesh.agent.tooling;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The library members an instrumentation's helpers use, checked against the library the
 * application brought before any of its classes is woven. A helper linked against a member
 * that is not there would fail inside the application's call ({@code NoSuchMethodError}), so
 * the class is refused instead, with one line naming what is missing: the OpenTelemetry
 * agent's muzzle check. Muzzle collects the references at build time; here they are read from
 * the helpers' class files when a class is woven, which only a weave-cache miss does.
 */
final class LibraryReferences {

    /** A member a helper uses: {@code kind} is 'M' for a method, 'F' for a field. */
    private record Reference(char kind, String owner, String name, String descriptor) {

        @Override
        public String toString() {
            String type = owner.replace('/', '.');
            return kind == 'F' ? type + "." + name : type + "." + name + readable(descriptor);
        }

        private static String readable(String descriptor) {
            List<String> parameters = new ArrayList<>();
            for (Type t : Type.getArgumentTypes(descriptor)) {
                String name = t.getClassName();
                parameters.add(name.substring(name.lastIndexOf('.') + 1));
            }
            return "(" + String.join(", ", parameters) + ")";
        }
    }

    /** What is known of one class of the library: its members and supertypes. */
    private record Shape(Set<String> members, List<String> supertypes) {}

    private final ClassLoader loader;
    private final Map<String, Shape> shapes = new HashMap<>();

    private LibraryReferences(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * What the helpers need that {@code loader}'s library lacks, or {@code null} when it has
     * everything.
     */
    static String missing(ClassLoader loader, List<byte[]> helperClassFiles) throws IOException {
        Set<String> helpers = new LinkedHashSet<>();
        Set<Reference> references = new LinkedHashSet<>();
        for (byte[] classFile : helperClassFiles) {
            ClassReader reader = new ClassReader(classFile);
            helpers.add(reader.getClassName());
            reader.accept(new Collector(references), ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        }
        LibraryReferences library = new LibraryReferences(loader);
        List<String> missing = new ArrayList<>();
        for (Reference reference : references) {
            if (!helpers.contains(reference.owner()) && isLibrary(reference.owner())) {
                String problem = library.check(reference);
                if (problem != null && !missing.contains(problem)) {
                    missing.add(problem);
                }
            }
        }
        return missing.isEmpty() ? null : String.join("; ", missing);
    }

    /** The JDK's and the agent's own classes are not the library's to check. */
    private static boolean isLibrary(String owner) {
        return !(owner.startsWith("java/") || owner.startsWith("javax/") || owner.startsWith("jdk/")
                || owner.startsWith("sun/") || owner.startsWith("dev/jmesh/") || owner.startsWith("["));
    }

    private String check(Reference reference) throws IOException {
        if (shape(reference.owner()) == null) {
            return "class " + reference.owner().replace('/', '.') + " is missing";
        }
        if (reference.name() == null) {
            return null; // only the class was named (a type check, a cast, a supertype)
        }
        return declares(reference.owner(), reference.kind() + reference.name() + reference.descriptor(), new LinkedHashSet<>())
                ? null : reference + " is missing";
    }

    /** Whether {@code owner} or one of its supertypes declares the member, as the JVM resolves it. */
    private boolean declares(String owner, String member, Set<String> visited) throws IOException {
        if (!visited.add(owner)) {
            return false;
        }
        Shape shape = shape(owner);
        if (shape == null) {
            return false;
        }
        if (shape.members().contains(member)) {
            return true;
        }
        for (String supertype : shape.supertypes()) {
            if (declares(supertype, member, visited)) {
                return true;
            }
        }
        return false;
    }

    private Shape shape(String owner) throws IOException {
        if (shapes.containsKey(owner)) {
            return shapes.get(owner);
        }
        Shape shape = null;
        try (InputStream in = loader.getResourceAsStream(owner + ".class")) {
            if (in != null) {
                ClassReader reader = new ClassReader(in.readAllBytes());
                Set<String> members = new LinkedHashSet<>();
                List<String> supertypes = new ArrayList<>();
                if (reader.getSuperName() != null) {
                    supertypes.add(reader.getSuperName());
                }
                supertypes.addAll(List.of(reader.getInterfaces()));
                reader.accept(new ClassVisitor(Opcodes.ASM9) {
                    @Override
                    public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                                                   Object value) {
                        members.add('F' + name + descriptor);
                        return null;
                    }

                    @Override
                    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                     String[] exceptions) {
                        members.add('M' + name + descriptor);
                        return null;
                    }
                }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
                shape = new Shape(members, supertypes);
            }
        }
        shapes.put(owner, shape);
        return shape;
    }

    /** Every class, method and field a helper's code names. */
    private static final class Collector extends ClassVisitor {

        private final Set<Reference> references;

        Collector(Set<Reference> references) {
            super(Opcodes.ASM9);
            this.references = references;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            if (superName != null) {
                type(superName);
            }
            for (String each : interfaces) {
                type(each);
            }
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitMethodInsn(int opcode, String owner, String method, String methodDescriptor,
                                            boolean isInterface) {
                    references.add(new Reference('M', owner, method, methodDescriptor));
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String field, String fieldDescriptor) {
                    references.add(new Reference('F', owner, field, fieldDescriptor));
                }

                @Override
                public void visitTypeInsn(int opcode, String type) {
                    type(type);
                }
            };
        }

        private void type(String internalName) {
            references.add(new Reference('C', internalName, null, null));
        }
    }
}
