package dev.jmesh.agent.tooling;

import static dev.jmesh.instrumentation.api.Value.argument;
import static dev.jmesh.instrumentation.api.Value.field;
import static dev.jmesh.instrumentation.api.Value.returned;
import static dev.jmesh.instrumentation.api.Value.self;
import static dev.jmesh.instrumentation.api.Value.thrown;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.instrumentation.api.Hook;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.MethodAdvice;
import dev.jmesh.instrumentation.api.MethodMatch;
import dev.jmesh.instrumentation.api.Step;
import dev.jmesh.instrumentation.api.TypeAdvice;
import dev.jmesh.instrumentation.jdkhttp.JdkHttpClientInstrumentation;
import dev.jmesh.instrumentation.okhttp.OkHttpInstrumentation;
import dev.jmesh.instrumentation.socket.SocketInstrumentation;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each kind of step woven into a real class that is then loaded, verified and run; and the shapes refused. */
class AdviceWeaverTest {

    private static final Hook GREET = Hook.on(SampleHooks.class, "greetAnswer", String.class, Object.class, String.class);
    private static final Hook LOUDER = Hook.on(SampleHooks.class, "louder", String.class, String.class, long.class);
    private static final Hook EXCLAIM = Hook.on(SampleHooks.class, "exclaim", String.class, String.class, Object.class);
    private static final Hook CONNECT = Hook.on(SampleHooks.class, "connectAnswer", boolean.class,
            Object.class, String.class, int.class);
    private static final Hook THROWN = Hook.on(SampleHooks.class, "thrown", void.class, Throwable.class, Object.class);
    private static final Hook RESOLVE = Hook.on(SampleHooks.class, "resolve", String[].class, String.class);
    private static final Hook NAMED = Hook.on(SampleHooks.class, "named", String.class, String.class, int.class);
    private static final Hook FINISHED = Hook.on(SampleHooks.class, "finished", boolean.class, boolean.class, Object.class);

    private static final MethodMatch GREET_METHOD = MethodMatch.method("greet", String.class, String.class, long.class);
    private static final Hook FINISH = Hook.on(SampleHooks.class, "finishAnswer", boolean.class, Object.class,
            boolean.class);
    private static final MethodMatch FINISH_METHOD = MethodMatch.method("finish", boolean.class, boolean.class);
    private static final MethodMatch CONNECT_METHOD = MethodMatch.method("connect", void.class, String.class, int.class);

    @BeforeEach
    void reset() {
        SampleHooks.SEEN.clear();
        SampleHooks.answer = null;
        SampleHooks.answerConnect = false;
    }

    @Test
    void anAnswerReturnsAtOnceAndNoAnswerRunsTheMethod() throws Exception {
        Class<?> woven = weave(MethodAdvice.of(GREET_METHOD, Step.answerIfPresent(GREET.with(self(), argument(0)))));
        Object sample = newSample(woven, "s");
        assertEquals("hello bobhello bob", invoke(woven, sample, "greet", "bob", 2L));
        SampleHooks.answer = "answered";
        assertEquals("answered", invoke(woven, sample, "greet", "bob", 2L));
        assertEquals(1, woven.getDeclaredField("calls").get(sample), "the answered call skipped the body");
        assertEquals(List.of("greet bob", "greet bob"), SampleHooks.SEEN);
    }

    @Test
    void anArgumentIsReplacedBeforeTheBodyRuns() throws Exception {
        Class<?> woven = weave(MethodAdvice.of(GREET_METHOD,
                Step.replaceArgument(0, LOUDER.with(argument(0), argument(1)))));
        assertEquals("hello BOB1", invoke(woven, newSample(woven, "s"), "greet", "bob", 1L));
    }

    @Test
    void anExitHookGivenTheReturnedValueReplacesIt() throws Exception {
        Class<?> woven = weave(MethodAdvice.of(GREET_METHOD, Step.exit(EXCLAIM.with(returned(), self()))));
        assertEquals("hello bob!", invoke(woven, newSample(woven, "s"), "greet", "bob", 1L));
        assertEquals("!", invoke(woven, newSample(woven, "s"), "greet", "bob", 0L));
    }

    @Test
    void aMethodReturningABooleanAnsweredTrueReturnsTrueAtOnce() throws Exception {
        Class<?> woven = weave(MethodAdvice.of(FINISH_METHOD, Step.answerIfPresent(FINISH.with(self(), argument(0)))));
        Object sample = newSample(woven, "s");
        assertEquals(false, invoke(woven, sample, "finish", false), "not answered: the body ran, with no calls yet");
        SampleHooks.answerConnect = true;
        assertEquals(true, invoke(woven, sample, "finish", true)); // would throw if the body ran
        assertEquals(List.of("finish false", "finish true"), SampleHooks.SEEN);
    }

    @Test
    void aMethodReturningNothingAnsweredTrueReturnsAtOnce() throws Exception {
        Class<?> woven = weave(MethodAdvice.of(CONNECT_METHOD,
                Step.answerIfPresent(CONNECT.with(self(), argument(0), argument(1)))));
        Object sample = newSample(woven, "s");
        invoke(woven, sample, "connect", "up", 5);
        SampleHooks.answerConnect = true;
        invoke(woven, sample, "connect", "down", 7); // would throw if the body ran
        assertEquals(1, woven.getDeclaredField("calls").get(sample));
        assertEquals(List.of("connect up 5", "connect down 7"), SampleHooks.SEEN);
    }

    @Test
    void aThrowHookSeesWhatLeavesTheMethodAndTheThrowableGoesOn() throws Exception {
        Class<?> woven = weave(MethodAdvice.of(CONNECT_METHOD, Step.thrown(THROWN.with(thrown(), self()))));
        Object sample = newSample(woven, "s");
        invoke(woven, sample, "connect", "up", 1);
        InvocationTargetException failure = assertThrows(InvocationTargetException.class,
                () -> invoke(woven, sample, "connect", "down", 1));
        assertEquals("refused: down", failure.getCause().getMessage());
        assertEquals(List.of("thrown refused: down"), SampleHooks.SEEN);
    }

    @Test
    void theMethodsOwnHandlersRunBeforeTheThrowHook() throws Exception {
        Class<?> woven = weave(MethodAdvice.of(MethodMatch.method("finish", boolean.class, boolean.class),
                Step.exit(FINISHED.with(returned(), self())), Step.thrown(THROWN.with(thrown(), self()))));
        Object sample = newSample(woven, "s");
        assertEquals(true, invoke(woven, sample, "finish", false), "the exit hook turned false into true");
        assertThrows(InvocationTargetException.class, () -> invoke(woven, sample, "finish", true));
        // The IllegalStateException was the method's own to handle; only the IOException left it.
        assertEquals(List.of("finished false", "thrown failed"), SampleHooks.SEEN);
    }

    @Test
    void aStaticMethodIsAnsweredFromItsArgument() throws Exception {
        Class<?> woven = weave(MethodAdvice.of(MethodMatch.method("resolve", String[].class, String.class),
                Step.answerIfPresent(RESOLVE.with(argument(0)))));
        Method resolve = woven.getMethod("resolve", String.class);
        assertArrayEquals(new String[] {"mesh:mesh"}, (String[]) resolve.invoke(null, "mesh"));
        assertArrayEquals(new String[] {"dns:other"}, (String[]) resolve.invoke(null, "other"));
    }

    @Test
    void aConstructorStoresAFieldAtEveryReturn() throws Exception {
        Class<?> woven = weave(MethodAdvice.of(MethodMatch.constructorTaking(0, "Ljava/lang/String;"),
                Step.exitStoreField("name", String.class, NAMED.with(field("name", String.class), field("calls", int.class)))));
        assertEquals("woven s", woven.getDeclaredField("name").get(newSample(woven, "s")));
        assertEquals("woven none", woven.getDeclaredField("name").get(newSample(woven, "")), "the early return too");
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("a method the class does not have",
                        MethodAdvice.of(MethodMatch.method("greet", String.class, String.class),
                                Step.enter(LOUDER.with(argument(0), argument(1)))),
                        "no method greet(Ljava/lang/String;)Ljava/lang/String;"),
                Arguments.of("a constructor of another arity",
                        MethodAdvice.of(MethodMatch.constructor(2, Map.of(0, "Ljava/lang/String;")),
                                Step.exit(THROWN.with(argument(0), self()))),
                        "no method a constructor of 2 parameters, parameter 0 Ljava/lang/String;"),
                Arguments.of("a field of another type",
                        MethodAdvice.of(GREET_METHOD, Step.enter(NAMED.with(field("name", String.class), field("calls", long.class)))),
                        "Field[name=calls, descriptor=J] is not available"),
                Arguments.of("a static field where an instance field is declared",
                        MethodAdvice.of(GREET_METHOD, Step.enter(NAMED.with(field("shared", String.class), field("calls", int.class)))),
                        "Field[name=shared"),
                Arguments.of("a field the class does not declare",
                        MethodAdvice.of(GREET_METHOD, Step.enter(NAMED.with(field("label", String.class), field("calls", int.class)))),
                        "Field[name=label"),
                Arguments.of("a value that does not fit its hook parameter",
                        MethodAdvice.of(GREET_METHOD, Step.enter(LOUDER.with(argument(0), argument(0)))),
                        "of type Ljava/lang/String; does not fit parameter 1"),
                Arguments.of("the instance in a static method",
                        MethodAdvice.of(MethodMatch.method("resolve", String[].class, String.class),
                                Step.enter(THROWN.with(thrown(), self()))),
                        "is not available"),
                Arguments.of("the instance at a constructor's entry",
                        MethodAdvice.of(MethodMatch.constructorTaking(0, "Ljava/lang/String;"),
                                Step.enter(GREET.with(self(), argument(0)))),
                        "not initialized at its entry"),
                Arguments.of("an answer of the wrong kind",
                        MethodAdvice.of(CONNECT_METHOD, Step.answerIfPresent(GREET.with(self(), argument(0)))),
                        "is answered by a boolean"),
                Arguments.of("a hook given too few values",
                        MethodAdvice.of(GREET_METHOD, Step.enter(GREET.with(self()))),
                        "takes 2 values"));
    }

    @ParameterizedTest(name = "{0} is refused")
    @MethodSource("refusals")
    void aClassThatDiffersFromTheAdviceIsRefusedSayingWhy(String what, MethodAdvice advice, String reason) {
        AdviceWeaver.Refused refused = assertThrows(AdviceWeaver.Refused.class,
                () -> AdviceWeaver.weave(classFile(Sample.class), new TypeAdvice(Sample.class.getName(), List.of(advice))));
        assertTrue(refused.getMessage().contains(reason), refused.getMessage());
    }

    /** Muzzle at build time: this JDK's own classes have every member the JDK instrumentations declare. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdkTypes")
    void thisJdksClassesHaveTheShapeTheInstrumentationsDeclare(String className, TypeAdvice advice) throws Exception {
        byte[] original = jdkClassFile(className);
        byte[] woven = AdviceWeaver.weave(original, advice);
        assertTrue(woven.length > original.length);
    }

    static Stream<Arguments> jdkTypes() {
        return Stream.of(new JdkHttpClientInstrumentation(), new SocketInstrumentation())
                .flatMap(i -> i.types().stream()).map(t -> Arguments.of(t.className(), t));
    }

    /** The same for the OkHttp on the test class path (4.x). */
    @Test
    void okHttpsChainHasTheShapeTheInstrumentationDeclares() throws Exception {
        TypeAdvice chain = new OkHttpInstrumentation().types().get(0);
        String resource = chain.internalName() + ".class";
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            byte[] original = in.readAllBytes();
            assertTrue(AdviceWeaver.weave(original, chain).length > original.length);
        }
    }

    /** Every hook an instrumentation calls exists, static and public, with the declared descriptor. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("hooks")
    void everyHookExistsAsDeclared(String hook, Hook declared) throws Exception {
        Class<?> owner = Class.forName(declared.owner(), false, getClass().getClassLoader());
        boolean found = Arrays.stream(owner.getDeclaredMethods()).anyMatch(m -> m.getName().equals(declared.name())
                && Modifier.isStatic(m.getModifiers()) && Modifier.isPublic(m.getModifiers())
                && org.objectweb.asm.Type.getMethodDescriptor(m).equals(declared.descriptor()));
        assertTrue(found, declared.owner() + "." + declared.name() + declared.descriptor() + " not found");
    }

    static Stream<Arguments> hooks() {
        return Stream.<MeshInstrumentation>of(new JdkHttpClientInstrumentation(), new SocketInstrumentation(),
                        new OkHttpInstrumentation())
                .flatMap(i -> i.types().stream()).flatMap(t -> t.methods().stream()).flatMap(m -> m.steps().stream())
                .map(Step::hook).distinct().map(h -> Arguments.of(h.name(), h));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static Class<?> weave(MethodAdvice advice) throws Exception {
        byte[] woven = AdviceWeaver.weave(classFile(Sample.class), new TypeAdvice(Sample.class.getName(), List.of(advice)));
        Class<?> type = new ChildFirst(Sample.class.getName(), woven).loadClass(Sample.class.getName());
        Class.forName(type.getName(), true, type.getClassLoader()); // verified and linked here
        return type;
    }

    private static Object newSample(Class<?> type, String name) throws Exception {
        return type.getConstructor(String.class).newInstance(name);
    }

    private static Object invoke(Class<?> type, Object target, String name, Object... args) throws Exception {
        for (Method method : type.getMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == args.length) {
                return method.invoke(target, args);
            }
        }
        throw new NoSuchMethodException(name);
    }

    private static byte[] classFile(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    private static byte[] jdkClassFile(String className) throws Exception {
        Class<?> type = Class.forName(className, false, ClassLoader.getPlatformClassLoader());
        return Files.readAllBytes(FileSystems.getFileSystem(URI.create("jrt:/"))
                .getPath("modules", type.getModule().getName(), className.replace('.', '/') + ".class"));
    }

    /** Defines the woven class itself; everything else (the hooks) comes from the test's loader. */
    private static final class ChildFirst extends ClassLoader {

        private final String name;
        private final byte[] classFile;

        ChildFirst(String name, byte[] classFile) {
            super(AdviceWeaverTest.class.getClassLoader());
            this.name = name;
            this.classFile = classFile;
        }

        @Override
        protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
            if (!className.equals(name)) {
                return super.loadClass(className, resolve);
            }
            synchronized (getClassLoadingLock(className)) {
                Class<?> loaded = findLoadedClass(className);
                return loaded != null ? loaded : defineClass(className, classFile, 0, classFile.length);
            }
        }
    }
}
