package dev.jmesh.instrumentation.jdkhttp;

import java.net.InetSocketAddress;
import java.net.URI;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code HttpRequestImpl.getAddress()}: answers the endpoint picked for this request. */
final class PickedEndpointAdvice {

    private PickedEndpointAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static InetSocketAddress enter(
            @Advice.FieldValue("uri") URI uri,
            @Advice.FieldValue("method") String method,
            @Advice.FieldValue("authority") InetSocketAddress authority) {
        // Otherwise authority is the JDK's own proxy CONNECT target: leave that path alone.
        return uri != null && !"CONNECT".equalsIgnoreCase(method) ? authority : null;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
            @Advice.Enter InetSocketAddress picked,
            @Advice.Return(readOnly = false) InetSocketAddress address) {
        if (picked != null) {
            address = picked;
        }
    }
}
