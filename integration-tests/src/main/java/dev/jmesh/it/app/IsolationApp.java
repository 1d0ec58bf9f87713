package dev.jmesh.it.app;

import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.yaml.snakeyaml.Yaml;

/**
 * An application that brings its own SnakeYAML and Byte Buddy, other versions than the
 * agent's, and uses both before making its calls like {@link CallerApp}.
 */
public final class IsolationApp {

    public static void main(String[] args) throws Exception {
        Map<String, Object> parsed = new Yaml().load("answer: 42");
        System.out.println("APP-SNAKEYAML " + Yaml.class.getProtectionDomain().getCodeSource().getLocation()
                + " parsed=" + parsed);
        Class<?> generated = new ByteBuddy()
                .subclass(Object.class)
                .method(ElementMatchers.named("toString"))
                .intercept(FixedValue.value("made by the app's Byte Buddy"))
                .make()
                .load(IsolationApp.class.getClassLoader())
                .getLoaded();
        System.out.println("APP-BYTEBUDDY " + ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation()
                + " " + generated.getDeclaredConstructor().newInstance());
        CallerApp.main(args);
    }
}
