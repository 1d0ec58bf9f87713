package dev.jmesh.agent.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.agent.metrics.MeshMetrics;
import dev.jmesh.agent.metrics.PrometheusText;
import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.bootstrap.ApplicationRequest;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Copies for mirrors are bounded per service: a mirror that never answers costs at most that many. */
class MirroringTest {

    private final MeshMetrics metrics = new MeshMetrics("test");
    private final Mirroring mirroring = new Mirroring("orders", metrics.service("orders"));
    private final Endpoint shadow = new Endpoint(new InetSocketAddress("10.0.0.9", 80), 1, null, 0);

    /** A client whose copies never end until the test says so. */
    private static final class HangingClient implements ApplicationRequest {
        final List<Runnable> inFlight = new ArrayList<>();

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public boolean mirror(InetSocketAddress endpoint, long timeoutMillis, Runnable done) {
            inFlight.add(done);
            return true;
        }
    }

    @Test
    void beyondTheBoundCopiesAreDroppedAndCountedUntilSomeEnd() {
        HangingClient client = new HangingClient();
        for (int i = 0; i < Mirroring.MAX_IN_FLIGHT + 10; i++) {
            mirroring.send(client, shadow, 0);
        }
        assertEquals(Mirroring.MAX_IN_FLIGHT, client.inFlight.size(), "no more copies than the bound");
        assertCounted(Mirroring.MAX_IN_FLIGHT, 10, 0);

        client.inFlight.remove(0).run(); // one copy ends: one more may go
        mirroring.send(client, shadow, 0);
        mirroring.send(client, shadow, 0);
        assertEquals(Mirroring.MAX_IN_FLIGHT, client.inFlight.size());
        assertCounted(Mirroring.MAX_IN_FLIGHT + 1, 11, 0);
    }

    @Test
    void aClientThatCannotCopyIsCountedAndHoldsNothing() {
        ApplicationRequest cannot = name -> null; // the default mirror(): false
        for (int i = 0; i < Mirroring.MAX_IN_FLIGHT + 1; i++) {
            mirroring.send(cannot, shadow, 0);
        }
        HangingClient client = new HangingClient();
        mirroring.send(client, shadow, 0);
        assertEquals(1, client.inFlight.size(), "unsupported copies took no slot");
        assertCounted(1, 0, Mirroring.MAX_IN_FLIGHT + 1);
    }

    private void assertCounted(int sent, int dropped, int unsupported) {
        String text = PrometheusText.write(metrics, List.of(), "test");
        String series = "jmesh_mirrored_requests_total{destination_service=\"orders\",result=\"";
        assertTrue(text.contains(series + "sent\"} " + sent + "\n")
                && text.contains(series + "dropped\"} " + dropped + "\n")
                && text.contains(series + "unsupported\"} " + unsupported + "\n"), text);
    }
}
