package dev.jmesh.agent.tooling;

import dev.jmesh.instrumentation.api.Hook;
import dev.jmesh.instrumentation.api.MethodAdvice;
import dev.jmesh.instrumentation.api.MethodMatch;
import dev.jmesh.instrumentation.api.Step;
import dev.jmesh.instrumentation.api.TypeAdvice;
import dev.jmesh.instrumentation.api.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Applies a {@link TypeAdvice} to a class file with ASM, in one read and one write.
 *
 * <p>Every step is straight code around one static hook call, so nothing here analyses the
 * method it rewrites: the operand stack grows by what the step pushes, and the only stack map
 * frames written are ones whose content is known without analysis — right after a method's
 * entry (its parameters) and at the catch-all handler of {@link Step.Thrown} (parameters and
 * the throwable). Methods the advice does not touch are copied as they are.
 *
 * <p>Before writing anything the class is checked against the advice, like the OpenTelemetry
 * agent's muzzle: every method the advice targets and every field it reads or writes must be
 * there with the declared types, and every value must fit its hook parameter. A class that
 * differs is refused whole ({@link Refused}) and loads unchanged.
 */
final class AdviceWeaver {

    private static final String OBJECT = "Ljava/lang/Object;";
    private static final String THROWABLE = "java/lang/Throwable";

    private AdviceWeaver() {}

    /** The class does not have the shape the advice declares; it is left unchanged. */
    static final class Refused extends Exception {

        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The class file rewritten as {@code advice} says. */
    static byte[] weave(byte[] classFile, TypeAdvice advice) throws Refused {
        ClassReader reader = new ClassReader(classFile);
        Shape shape = Shape.of(reader);
        Map<String, List<Step>> plan = plan(shape, advice);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor target = super.visitMethod(access, name, descriptor, signature, exceptions);
                List<Step> steps = plan.get(name + descriptor);
                return steps == null ? target : new AdvisedMethod(target, shape, access, descriptor, steps);
            }
        }, 0);
        return writer.toByteArray();
    }

    /** Method (name + descriptor) to its steps, after checking the class has all that the advice uses. */
    private static Map<String, List<Step>> plan(Shape shape, TypeAdvice advice) throws Refused {
        Map<String, List<Step>> plan = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (MethodAdvice method : advice.methods()) {
            boolean matched = false;
            for (Shape.Method candidate : shape.methods) {
                if (matches(method.target(), candidate)) {
                    matched = true;
                    String problem = check(shape, candidate, method.steps());
                    if (problem != null) {
                        missing.add(candidate.name + candidate.descriptor + ": " + problem);
                    }
                    plan.computeIfAbsent(candidate.name + candidate.descriptor, k -> new ArrayList<>())
                            .addAll(method.steps());
                }
            }
            if (!matched) {
                missing.add("no method " + method.target());
            }
        }
        if (!missing.isEmpty()) {
            throw new Refused(String.join("; ", missing));
        }
        return plan;
    }

    private static boolean matches(MethodMatch match, Shape.Method method) {
        if (!match.name().equals(method.name)) {
            return false;
        }
        if (match.descriptor() != null) {
            return match.descriptor().equals(method.descriptor);
        }
        Type[] parameters = Type.getArgumentTypes(method.descriptor);
        if (match.parameterCount() >= 0 && parameters.length != match.parameterCount()) {
            return false;
        }
        for (Map.Entry<Integer, String> required : match.parameterTypes().entrySet()) {
            int position = required.getKey();
            if (position >= parameters.length || !parameters[position].getDescriptor().equals(required.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** What keeps these steps from being woven into {@code method} safely, or {@code null}. */
    private static String check(Shape shape, Shape.Method method, List<Step> steps) {
        Type returnType = Type.getReturnType(method.descriptor);
        Type[] parameters = Type.getArgumentTypes(method.descriptor);
        for (Step step : steps) {
            Hook hook = step.hook();
            Type[] hookParameters = Type.getArgumentTypes(hook.descriptor());
            Type hookReturn = Type.getReturnType(hook.descriptor());
            if (hookParameters.length != hook.values().size()) {
                return hook + " takes " + hookParameters.length + " values";
            }
            boolean atEntry = step instanceof Step.Enter || step instanceof Step.AnswerIfPresent
                    || step instanceof Step.ReplaceArgument;
            if (method.isConstructor() && (atEntry || step instanceof Step.Thrown) && usesInstance(hook)) {
                return "a constructor's instance is not initialized at its entry";
            }
            if (method.isConstructor() && step instanceof Step.Thrown) {
                return "a constructor cannot catch what it throws";
            }
            for (int i = 0; i < hookParameters.length; i++) {
                Value value = hook.values().get(i);
                String type = typeOf(value, i, step, shape, method);
                if (type == null) {
                    return value + " is not available to " + hook;
                }
                if (!fits(type, hookParameters[i])) {
                    return value + " of type " + type + " does not fit parameter " + i + " of " + hook;
                }
            }
            String result = checkResult(step, hookReturn, returnType, parameters, shape);
            if (result != null) {
                return result;
            }
        }
        return null;
    }

    /** The descriptor of {@code value} as the {@code position}-th value of {@code step}'s hook, or {@code null} if it has none there. */
    private static String typeOf(Value value, int position, Step step, Shape shape, Shape.Method method) {
        Type[] parameters = Type.getArgumentTypes(method.descriptor);
        Type returnType = Type.getReturnType(method.descriptor);
        if (value instanceof Value.This) {
            return method.isStatic() ? null : "L" + shape.name + ";";
        }
        if (value instanceof Value.Argument a) {
            return a.index() < parameters.length ? parameters[a.index()].getDescriptor() : null;
        }
        if (value instanceof Value.Field f) {
            return f.descriptor().equals(shape.fields.get(f.name())) && !method.isStatic() ? f.descriptor() : null;
        }
        if (value instanceof Value.Returned) {
            return position == 0 && step instanceof Step.Exit && returnType != Type.VOID_TYPE ? returnType.getDescriptor() : null;
        }
        return position == 0 && step instanceof Step.Thrown ? "L" + THROWABLE + ";" : null;
    }

    /** Whether what the hook returns can be used as the step uses it; {@code null} when it can. */
    private static String checkResult(Step step, Type hookReturn, Type returnType, Type[] parameters, Shape shape) {
        if (step instanceof Step.AnswerIfPresent) {
            if (returnType == Type.VOID_TYPE || returnType == Type.BOOLEAN_TYPE) {
                return hookReturn == Type.BOOLEAN_TYPE ? null
                        : "a method returning nothing or a boolean is answered by a boolean";
            }
            return isReference(returnType) && isReference(hookReturn) ? null : "only references answer a method";
        }
        if (step instanceof Step.ReplaceArgument r) {
            return r.index() < parameters.length && assignable(hookReturn, parameters[r.index()])
                    ? null : "cannot replace parameter " + r.index();
        }
        if (step instanceof Step.Exit e) {
            if (returnsReplacement(e.hook())) {
                return assignable(hookReturn, returnType) ? null : "does not return the method's type";
            }
            return hookReturn == Type.VOID_TYPE ? null : "an exit hook not given the returned value returns nothing";
        }
        if (step instanceof Step.ExitStoreField f) {
            return f.descriptor().equals(shape.fields.get(f.field())) && assignable(hookReturn, Type.getType(f.descriptor()))
                    ? null : "no field " + f.field() + " " + f.descriptor();
        }
        if (step instanceof Step.Thrown) {
            return hookReturn == Type.VOID_TYPE ? null : "a throw hook returns nothing";
        }
        return null; // Enter: its result is discarded
    }

    private static boolean usesInstance(Hook hook) {
        return hook.values().stream().anyMatch(v -> v instanceof Value.This || v instanceof Value.Field);
    }

    private static boolean returnsReplacement(Hook hook) {
        return !hook.values().isEmpty() && hook.values().get(0) instanceof Value.Returned;
    }

    /** A value of descriptor {@code type} passed to {@code parameter} verifies without loading a class. */
    private static boolean fits(String type, Type parameter) {
        return type.equals(parameter.getDescriptor()) || (isReference(Type.getType(type)) && parameter.getDescriptor().equals(OBJECT));
    }

    /** A hook result of type {@code result} can be used as {@code target} (a reference is cast). */
    private static boolean assignable(Type result, Type target) {
        return result.equals(target) || (isReference(result) && isReference(target));
    }

    private static boolean isReference(Type type) {
        return type.getSort() == Type.OBJECT || type.getSort() == Type.ARRAY;
    }

    /** The class's name, instance fields and methods: all the advice is checked against. */
    private record Shape(String name, Map<String, String> fields, List<Method> methods) {

        record Method(int access, String name, String descriptor) {

            boolean isStatic() {
                return (access & Opcodes.ACC_STATIC) != 0;
            }

            boolean isConstructor() {
                return name.equals("<init>");
            }
        }

        static Shape of(ClassReader reader) {
            Map<String, String> fields = new HashMap<>();
            List<Method> methods = new ArrayList<>();
            reader.accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                    if ((access & Opcodes.ACC_STATIC) == 0) {
                        fields.put(name, descriptor); // woven code reads and writes instance fields only
                    }
                    return null;
                }

                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0) {
                        methods.add(new Method(access, name, descriptor));
                    }
                    return null;
                }
            }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            return new Shape(reader.getClassName(), fields, methods);
        }
    }

    /** One method being rewritten: entry steps at its start, exit steps before each return, a catch-all for throw steps. */
    private static final class AdvisedMethod extends MethodVisitor {

        private final Shape shape;
        private final boolean isStatic;
        private final Type returnType;
        private final Type[] parameters;
        private final List<Step> steps;
        private final Label tryStart = new Label();
        private final boolean catches;

        AdvisedMethod(MethodVisitor target, Shape shape, int access, String descriptor, List<Step> steps) {
            super(Opcodes.ASM9, target);
            this.shape = shape;
            this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
            this.returnType = Type.getReturnType(descriptor);
            this.parameters = Type.getArgumentTypes(descriptor);
            this.steps = steps;
            this.catches = steps.stream().anyMatch(s -> s instanceof Step.Thrown);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            for (Step step : steps) {
                if (step instanceof Step.Enter) {
                    call(step.hook());
                    discard(Type.getReturnType(step.hook().descriptor()));
                } else if (step instanceof Step.AnswerIfPresent) {
                    answerIfPresent(step.hook());
                } else if (step instanceof Step.ReplaceArgument r) {
                    Type parameter = parameters[r.index()];
                    call(r.hook());
                    castTo(Type.getReturnType(r.hook().descriptor()), parameter);
                    super.visitVarInsn(parameter.getOpcode(Opcodes.ISTORE), slot(r.index()));
                }
            }
            if (catches) {
                super.visitLabel(tryStart);
            }
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                for (Step step : steps) {
                    if (step instanceof Step.Exit) {
                        call(step.hook());
                        if (returnsReplacement(step.hook())) {
                            castTo(Type.getReturnType(step.hook().descriptor()), returnType);
                        }
                    } else if (step instanceof Step.ExitStoreField f) {
                        super.visitVarInsn(Opcodes.ALOAD, 0);
                        call(f.hook());
                        castTo(Type.getReturnType(f.hook().descriptor()), Type.getType(f.descriptor()));
                        super.visitFieldInsn(Opcodes.PUTFIELD, shape.name, f.field(), f.descriptor());
                    }
                }
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            if (catches) {
                Label tryEnd = new Label();
                Label handler = new Label();
                super.visitLabel(tryEnd);
                super.visitLabel(handler);
                Object[] locals = parameterFrame();
                super.visitFrame(Opcodes.F_FULL, locals.length, locals, 1, new Object[] {THROWABLE});
                for (Step step : steps) {
                    if (step instanceof Step.Thrown t) {
                        super.visitInsn(Opcodes.DUP);
                        call(t.hook());
                    }
                }
                super.visitInsn(Opcodes.ATHROW);
                // Added last: the method's own handlers keep precedence over this catch-all.
                super.visitTryCatchBlock(tryStart, tryEnd, handler, null);
            }
            super.visitMaxs(maxStack + extraStack(), maxLocals);
        }

        /**
         * {@code if (answer) return answer;} at entry. The one frame is the entry frame plus
         * the answer on the stack, written as such ({@code F_SAME1}), so no analysis is needed.
         */
        private void answerIfPresent(Hook hook) {
            Type answer = Type.getReturnType(hook.descriptor());
            Label proceed = new Label();
            call(hook);
            if (returnType == Type.VOID_TYPE || returnType == Type.BOOLEAN_TYPE) {
                super.visitJumpInsn(Opcodes.IFEQ, proceed);
                if (returnType == Type.BOOLEAN_TYPE) {
                    super.visitInsn(Opcodes.ICONST_1);
                    super.visitInsn(Opcodes.IRETURN);
                } else {
                    super.visitInsn(Opcodes.RETURN);
                }
                super.visitLabel(proceed);
                super.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
                super.visitInsn(Opcodes.NOP); // the method's own first frame, if any, is at the next offset
                return;
            }
            super.visitInsn(Opcodes.DUP);
            super.visitJumpInsn(Opcodes.IFNULL, proceed);
            castTo(answer, returnType);
            super.visitInsn(Opcodes.ARETURN);
            super.visitLabel(proceed);
            super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {answer.getInternalName()});
            super.visitInsn(Opcodes.POP);
        }

        /** Pushes the hook's values (a returned or thrown value is already on the stack) and calls it. */
        private void call(Hook hook) {
            for (Value value : hook.values()) {
                if (value instanceof Value.This) {
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                } else if (value instanceof Value.Argument a) {
                    super.visitVarInsn(parameters[a.index()].getOpcode(Opcodes.ILOAD), slot(a.index()));
                } else if (value instanceof Value.Field f) {
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                    super.visitFieldInsn(Opcodes.GETFIELD, shape.name, f.name(), f.descriptor());
                } // a returned or thrown value is on the stack already
            }
            super.visitMethodInsn(Opcodes.INVOKESTATIC, hook.ownerInternalName(), hook.name(), hook.descriptor(), false);
        }

        private void castTo(Type from, Type to) {
            if (isReference(to) && !from.equals(to)) {
                super.visitTypeInsn(Opcodes.CHECKCAST, to.getInternalName());
            }
        }

        private void discard(Type type) {
            if (type.getSize() == 2) {
                super.visitInsn(Opcodes.POP2);
            } else if (type.getSize() == 1) {
                super.visitInsn(Opcodes.POP);
            }
        }

        private int slot(int parameter) {
            int slot = isStatic ? 0 : 1;
            for (int i = 0; i < parameter; i++) {
                slot += parameters[i].getSize();
            }
            return slot;
        }

        /** The locals at entry, as a stack map frame lists them. */
        private Object[] parameterFrame() {
            List<Object> locals = new ArrayList<>();
            if (!isStatic) {
                locals.add(shape.name);
            }
            for (Type parameter : parameters) {
                int sort = parameter.getSort();
                locals.add(sort == Type.LONG ? Opcodes.LONG : sort == Type.FLOAT ? Opcodes.FLOAT
                        : sort == Type.DOUBLE ? Opcodes.DOUBLE : isReference(parameter) ? parameter.getInternalName()
                        : Opcodes.INTEGER);
            }
            return locals.toArray();
        }

        /** The most any one step pushes beyond what the method itself needs. */
        private int extraStack() {
            int most = 0;
            for (Step step : steps) {
                int pushed = 2; // the instance of a field store, a DUP of an answer or a throwable
                for (Type parameter : Type.getArgumentTypes(step.hook().descriptor())) {
                    pushed += parameter.getSize();
                }
                most = Math.max(most, pushed + Type.getReturnType(step.hook().descriptor()).getSize());
            }
            return most;
        }
    }
}
