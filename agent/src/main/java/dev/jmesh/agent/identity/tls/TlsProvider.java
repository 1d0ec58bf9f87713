package dev.jmesh.agent.identity.tls;

import dev.jmesh.agent.AgentLog;
import java.lang.instrument.Instrumentation;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The JSSE implementation mesh connections use: Conscrypt (BoringSSL) when it can be loaded,
 * else the JDK's own. Conscrypt is used through its provider object only — never installed
 * with {@code Security.insertProviderAt}, which would hand every TLS connection of the JVM to it
 * and breaks SunJSSE's.
 *
 * <p>Conscrypt is not bundled: its native library registers its methods and looks up its
 * classes by their {@code org/conscrypt/...} names, so it cannot be relocated, and an
 * unrelocated copy in the agent jar would sit on the application's class path (the agent jar
 * is on it) and clash with the application's own Conscrypt. It is taken from the application's
 * class path when there, or from a jar named by the operator, loaded in its own class loader.
 */
public final class TlsProvider {

    private static final String CONSCRYPT = "org.conscrypt.Conscrypt";

    private final Provider provider; // null: the JDK's default TLS provider
    private final String name;

    private TlsProvider(Provider provider, String name) {
        this.provider = provider;
        this.name = name;
    }

    /** The JDK's own provider (SunJSSE). */
    public static TlsProvider jdk() {
        return new TlsProvider(null, "JDK");
    }

    /**
     * Conscrypt's provider if {@code org.conscrypt.Conscrypt} loads from {@code loader}, its
     * native library works on this platform and {@code java.net} is open to it; empty otherwise
     * (the reason goes to the agent log).
     *
     * <p>Conscrypt 2.5 reads a private field of {@code InetAddress} for every socket that was
     * accepted or created from an address rather than a host name, and fails the handshake when
     * {@code java.base} does not open {@code java.net} to it. The agent opens exactly that
     * package to exactly Conscrypt's module through {@code instrumentation} (null: only
     * if an {@code --add-opens} already did).
     */
    public static Optional<TlsProvider> conscrypt(ClassLoader loader, Instrumentation instrumentation) {
        Class<?> conscrypt;
        try {
            conscrypt = Class.forName(CONSCRYPT, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty();
        }
        try {
            if (!openJavaNet(conscrypt.getModule(), instrumentation)) {
                AgentLog.line("tls: Conscrypt found but java.net is not open to it"
                        + " (--add-opens java.base/java.net=ALL-UNNAMED); using the JDK's TLS");
                return Optional.empty();
            }
            if (!(Boolean) conscrypt.getMethod("isAvailable").invoke(null)) {
                AgentLog.line("tls: Conscrypt found but its native library does not load here; using the JDK's TLS");
                return Optional.empty();
            }
            Provider provider = (Provider) conscrypt.getMethod("newProvider").invoke(null);
            return Optional.of(new TlsProvider(provider, "Conscrypt " + provider.getVersionStr()));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            AgentLog.line("tls: Conscrypt found but unusable (" + e + "); using the JDK's TLS");
            return Optional.empty();
        }
    }

    /** Conscrypt from a jar of its own (such as conscrypt-openjdk-uber), isolated from the application. */
    public static Optional<TlsProvider> conscrypt(Path jar, Instrumentation instrumentation) {
        if (!Files.isRegularFile(jar)) {
            AgentLog.line("tls: Conscrypt jar " + jar + " not found; using the JDK's TLS");
            return Optional.empty();
        }
        URL url;
        try {
            url = jar.toUri().toURL();
        } catch (MalformedURLException e) {
            return Optional.empty();
        }
        // Never closed: the provider's classes are in use for the life of the JVM.
        return conscrypt(new URLClassLoader("jmesh-conscrypt", new URL[] {url}, ClassLoader.getPlatformClassLoader()),
                instrumentation);
    }

    /**
     * Conscrypt from {@code conscryptJar} when given (may be null), else from the application's
     * class loader; the JDK's provider when neither works. Never throws.
     */
    public static TlsProvider choose(ClassLoader application, Path conscryptJar, Instrumentation instrumentation) {
        Optional<TlsProvider> conscrypt = conscryptJar != null
                ? conscrypt(conscryptJar, instrumentation)
                : conscrypt(application, instrumentation);
        return conscrypt.orElseGet(TlsProvider::jdk);
    }

    private static boolean openJavaNet(Module conscrypt, Instrumentation instrumentation) {
        Module javaBase = Object.class.getModule();
        if (!javaBase.isOpen("java.net", conscrypt) && instrumentation != null
                && instrumentation.isModifiableModule(javaBase)) {
            instrumentation.redefineModule(javaBase, Set.of(), Map.of(), Map.of("java.net", Set.of(conscrypt)),
                    Set.of(), Map.of());
        }
        return javaBase.isOpen("java.net", conscrypt);
    }

    public boolean isConscrypt() {
        return provider != null;
    }

    /** "JDK" or "Conscrypt 2.5.2", for the start-up line. */
    public String name() {
        return name;
    }

    SSLContext newContext() throws NoSuchAlgorithmException {
        return provider == null ? SSLContext.getInstance("TLS") : SSLContext.getInstance("TLS", provider);
    }

    @Override
    public String toString() {
        return name;
    }
}
