package dev.jmesh.instrumentation.jdkhttp;

import dev.jmesh.bootstrap.Mesh;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import net.bytebuddy.asm.Advice;

/** Inlined at the end of {@code HttpRequestImpl}'s per-send constructors. */
final class PickEndpointAdvice {

    private PickEndpointAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
            @Advice.FieldValue("uri") URI uri,
            @Advice.FieldValue(value = "authority", readOnly = false) InetSocketAddress authority,
            @Advice.FieldValue(value = "proxy", readOnly = false) Proxy proxy,
            @Advice.FieldValue(value = "secure", readOnly = false) boolean secure) {
        // A delegating constructor may already have picked.
        if (authority == null) {
            InetSocketAddress endpoint = Mesh.routeHttp(uri);
            if (endpoint != null) {
                authority = endpoint;
                // The endpoint is reached directly: an HTTP proxy could not resolve the name.
                proxy = null;
                // Mutual TLS by the mesh: the client runs its TLS engine (given the mesh's
                // context by EngineAdvice) under the application's plaintext URL.
                if (Mesh.securesHttp(uri.getHost())) {
                    secure = true;
                }
            }
        }
    }
}
