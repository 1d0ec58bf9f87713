package dev.jmesh.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.agent.metrics.MeshMetrics;
import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.agent.time.FakeClock;
import dev.jmesh.policy.OutlierDetectionPolicy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Ejection, its length, its return and its limits, on a clock the test moves. */
class OutlierDetectorTest {

    final FakeClock clock = new FakeClock();
    final AtomicInteger rotationChanges = new AtomicInteger();
    final List<OutlierDetector> detectors = new ArrayList<>();

    @AfterEach
    void close() {
        detectors.forEach(OutlierDetector::close);
    }

    List<Endpoint> endpoints(int n) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            endpoints.add(new Endpoint(new InetSocketAddress("10.0.0." + i, 80), 1, null, clock.nanoTime()));
        }
        return endpoints;
    }

    OutlierDetector detector(OutlierDetectionPolicy policy, List<Endpoint> endpoints) {
        OutlierDetector detector = new OutlierDetector(policy, endpoints, rotationChanges::incrementAndGet,
                new MeshMetrics(null).service("orders"), clock);
        detectors.add(detector);
        return detector;
    }

    void errors(OutlierDetector detector, Endpoint endpoint, int n) {
        for (int i = 0; i < n; i++) {
            detector.onError(endpoint);
        }
    }

    @Test
    void theDefaultEjectsAfterFiveErrorsInARowForThirtySeconds() {
        List<Endpoint> endpoints = endpoints(3);
        OutlierDetector detector = detector(OutlierDetectionPolicy.DEFAULT, endpoints);
        Endpoint bad = endpoints.get(0);
        errors(detector, bad, 4);
        detector.onSuccess(bad);
        errors(detector, bad, 4);
        assertFalse(bad.health().ejected(), "a success in between starts the count again");
        detector.onError(bad);
        assertTrue(bad.health().ejected());
        assertEquals(1, rotationChanges.get());

        clock.advance(Duration.ofSeconds(30).minusNanos(1));
        assertTrue(bad.health().ejected(), "not a nanosecond early");
        clock.advance(Duration.ofNanos(1));
        assertFalse(bad.health().ejected());
        assertEquals(clock.nanoTime(), bad.inRotationSinceNanos(), "back in rotation now: slow start counts from here");
        assertEquals(2, rotationChanges.get());
    }

    @Test
    void eachEjectionLastsLongerThanTheOneBefore() {
        List<Endpoint> endpoints = endpoints(2);
        OutlierDetector detector = detector(new OutlierDetectionPolicy(1, Duration.ofHours(1), Duration.ofSeconds(30), 50),
                endpoints);
        Endpoint bad = endpoints.get(0);
        for (int n = 1; n <= 3; n++) {
            detector.onError(bad);
            clock.advance(Duration.ofSeconds(30L * n).minusMillis(1));
            assertTrue(bad.health().ejected(), "ejection " + n + " lasts " + n + " x 30 s");
            clock.advance(Duration.ofMillis(1));
            assertFalse(bad.health().ejected());
        }
    }

    @Test
    void aQuietIntervalForgivesOnePastEjection() {
        List<Endpoint> endpoints = endpoints(2);
        OutlierDetector detector = detector(new OutlierDetectionPolicy(1, Duration.ofSeconds(10), Duration.ofSeconds(30), 50),
                endpoints);
        Endpoint bad = endpoints.get(0);
        detector.onError(bad);
        clock.advance(Duration.ofSeconds(30));
        assertFalse(bad.health().ejected());
        clock.advance(Duration.ofSeconds(10)); // a whole interval in rotation, without an ejection
        detector.onError(bad);
        clock.advance(Duration.ofSeconds(30));
        assertFalse(bad.health().ejected(), "30 s again, not 60 s");
    }

    @Test
    void anEjectionNeverLastsLongerThanFiveMinutes() {
        List<Endpoint> endpoints = endpoints(2);
        OutlierDetectionPolicy policy = new OutlierDetectionPolicy(1, Duration.ofHours(1), Duration.ofSeconds(200), 50);
        OutlierDetector detector = detector(policy, endpoints);
        Endpoint bad = endpoints.get(0);
        detector.onError(bad);
        clock.advance(Duration.ofSeconds(200));
        detector.onError(bad); // the second: 400 s, capped at 300 s
        clock.advance(Duration.ofSeconds(300));
        assertFalse(bad.health().ejected());
    }

    @Test
    void atMostMaxEjectionPercentAreEjectedAndNeverTheLastInRotation() {
        List<Endpoint> four = endpoints(4);
        OutlierDetector detector = detector(new OutlierDetectionPolicy(1, Duration.ofSeconds(10), Duration.ofSeconds(30), 50),
                four);
        four.forEach(detector::onError);
        assertEquals(2, detector.ejectedCount(), "half of four");

        List<Endpoint> two = endpoints(2);
        OutlierDetector all = detector(new OutlierDetectionPolicy(1, Duration.ofSeconds(10), Duration.ofSeconds(30), 100),
                two);
        two.forEach(all::onError);
        assertEquals(1, all.ejectedCount(), "100 %, but never the last endpoint in rotation");

        List<Endpoint> three = endpoints(3);
        OutlierDetector tenPercent = detector(new OutlierDetectionPolicy(1, Duration.ofSeconds(10), Duration.ofSeconds(30), 10),
                three);
        three.forEach(tenPercent::onError);
        assertEquals(1, tenPercent.ejectedCount(), "10 % of three rounds down to none, yet one may always go");
    }

    @Test
    void nothingIsScheduledBeforeTheFirstEjection() {
        List<Endpoint> endpoints = endpoints(2);
        OutlierDetector detector = detector(OutlierDetectionPolicy.DEFAULT, endpoints);
        errors(detector, endpoints.get(0), 4);
        assertEquals(0, clock.pending(), "on by default, yet no timer (and no timer thread) until an ejection");
        detector.onError(endpoints.get(0));
        assertEquals(2, clock.pending(), "the endpoint's return and the forgiveness of past ejections");
    }

    @Test
    void offMeansNeverAndAClosedDetectorEjectsNothing() {
        List<Endpoint> endpoints = endpoints(2);
        OutlierDetector off = detector(null, endpoints);
        errors(off, endpoints.get(0), 100);
        assertFalse(endpoints.get(0).health().ejected());

        OutlierDetector closed = detector(OutlierDetectionPolicy.DEFAULT, endpoints);
        closed.close();
        errors(closed, endpoints.get(1), 5);
        assertFalse(endpoints.get(1).health().ejected());
        assertEquals(0, clock.pending(), "its forgiveness timer is cancelled too");
    }
}
