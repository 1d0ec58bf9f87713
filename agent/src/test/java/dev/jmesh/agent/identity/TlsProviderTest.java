package dev.jmesh.agent.identity;

import static dev.jmesh.agent.identity.TestPki.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.agent.identity.tls.TlsProvider;
import dev.jmesh.pki.CertificateAuthority;
import java.nio.file.Path;
import java.security.Security;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.Test;

/** Where Conscrypt comes from, and that using it leaves the JVM's own TLS alone. */
class TlsProviderTest {

    private final CertificateAuthority ca = TestPki.ca();

    @Test
    void withoutConscryptTheJdksTlsIsChosen() {
        TlsProvider provider = TlsProvider.choose(ClassLoader.getPlatformClassLoader(), null, null);
        assertFalse(provider.isConscrypt());
        assertEquals("JDK", provider.name());
        assertFalse(TlsProvider.choose(getClass().getClassLoader(), Path.of("/nonexistent/conscrypt.jar"), null)
                .isConscrypt());
    }

    @Test
    void conscryptFromItsOwnJarTalksToTheJdkWithoutBecomingAJvmWideProvider() throws Exception {
        Path jar = Path.of(org.conscrypt.Conscrypt.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        TlsProvider conscrypt = TlsProvider.choose(ClassLoader.getPlatformClassLoader(), jar, ByteBuddyAgent.install());
        assertTrue(conscrypt.isConscrypt(), conscrypt.name());
        assertTrue(conscrypt.name().startsWith("Conscrypt"), conscrypt.name());

        SSLContext client = TestPki.tls(TestPki.identity(ca, "frontend"), conscrypt).clientContext(id("orders"));
        assertNotSame(org.conscrypt.Conscrypt.class.getClassLoader(), client.getProvider().getClass().getClassLoader());
        try (LoopbackTlsServer server = new LoopbackTlsServer(
                TestPki.tls(TestPki.identity(ca, "orders"), TlsProvider.jdk()).serverContext(Set.of()))) {
            assertEquals(Optional.of(id("orders")), server.call(client).server());
        }
        for (var installed : Security.getProviders()) {
            assertFalse(installed.getName().contains("Conscrypt"), "installed JVM-wide: " + installed);
        }
        assertEquals("SunJSSE", SSLContext.getDefault().getProvider().getName());
    }
}
