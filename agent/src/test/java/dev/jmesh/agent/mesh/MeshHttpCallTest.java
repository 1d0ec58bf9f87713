package dev.jmesh.agent.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.agent.metrics.MeshMetrics;
import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.agent.time.FakeClock;
import dev.jmesh.bootstrap.FailureKind;
import dev.jmesh.policy.Backoff;
import dev.jmesh.policy.CircuitBreakerPolicy;
import dev.jmesh.policy.EndpointConfig;
import dev.jmesh.policy.OutlierDetectionPolicy;
import dev.jmesh.policy.RetryBudget;
import dev.jmesh.policy.RetryOn;
import dev.jmesh.policy.RetryOn.Condition;
import dev.jmesh.policy.RetryPolicy;
import dev.jmesh.policy.ServiceConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MeshHttpCallTest {

    final FakeClock clock = new FakeClock();

    static final RetryOn CONNECT_RESET_503 =
            new RetryOn(EnumSet.of(Condition.CONNECT_FAILURE, Condition.RESET), Set.of(503));
    static final Backoff NO_WAIT = new Backoff(Duration.ZERO, Duration.ZERO);
    static final RetryBudget UNLIMITED = new RetryBudget(1000, 100_000);

    final List<Service> services = new ArrayList<>();

    @AfterEach
    void close() {
        services.forEach(Service::close);
    }

    Service service(int endpoints, RetryPolicy retries, Duration timeout, CircuitBreakerPolicy breaker,
                    OutlierDetectionPolicy outliers) {
        List<EndpointConfig> configs = new ArrayList<>();
        List<Endpoint> live = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            configs.add(new EndpointConfig("10.0.0." + (i + 1), 80, 1, null));
            live.add(new Endpoint(new InetSocketAddress("10.0.0." + (i + 1), 80), 1, null, clock.nanoTime()));
        }
        ServiceConfig config = ServiceConfig.builder("orders", configs).timeout(timeout).retries(retries)
                .circuitBreaker(breaker).outlierDetection(outliers).build();
        Service service = new Service(config, live, new MeshMetrics(null).service("orders"), null, clock, null);
        services.add(service);
        return service;
    }

    Service service(int endpoints, RetryPolicy retries) {
        return service(endpoints, retries, null, CircuitBreakerPolicy.DEFAULT, null);
    }

    static RetryPolicy retries(int attempts, RetryOn on) {
        return new RetryPolicy(attempts, null, on, NO_WAIT, UNLIMITED, false);
    }

    /** A call as an adapter begins it: routed by {@code execute}. */
    static MeshHttpCall unrouted(Service service, String method) {
        return unrouted(service, method, "/");
    }

    static MeshHttpCall unrouted(Service service, String method, String path) {
        return new MeshHttpCall(service, method, path, null, service.clock().nanoTime());
    }

    /** A call routed as {@code execute} would, driven attempt by attempt by the test. */
    static MeshHttpCall call(Service service, String method) {
        MeshHttpCall call = unrouted(service, method);
        call.route(name -> null);
        return call;
    }

    @Test
    void aConnectFailureIsRetriedOnAnotherEndpoint() throws IOException {
        MeshHttpCall call = call(service(3, retries(3, CONNECT_RESET_503)), "POST");
        InetSocketAddress first = call.nextEndpoint();
        assertEquals(0, call.onFailure(FailureKind.CONNECT_FAILURE));
        InetSocketAddress second = call.nextEndpoint();
        assertNotEquals(first, second);
        assertEquals(MeshHttpCall.DONE, call.onResponse(200));
        call.end();
    }

    @Test
    void aPostThatReachedTheServerIsNotRetried() throws IOException {
        Service service = service(3, retries(3, CONNECT_RESET_503));
        MeshHttpCall post = call(service, "POST");
        post.nextEndpoint();
        assertEquals(MeshHttpCall.DONE, post.onResponse(503));
        post.end();
        MeshHttpCall reset = call(service, "PATCH");
        reset.nextEndpoint();
        assertEquals(MeshHttpCall.DONE, reset.onFailure(FailureKind.RESET));
        reset.end();

        MeshHttpCall get = call(service, "GET");
        get.nextEndpoint();
        assertEquals(0, get.onResponse(503));
        get.nextEndpoint();
        assertEquals(0, get.onFailure(FailureKind.RESET));
        get.end();
    }

    @Test
    void retryNonIdempotentAllowsIt() throws IOException {
        MeshHttpCall post = call(service(2, new RetryPolicy(2, null, CONNECT_RESET_503, NO_WAIT, UNLIMITED, true)), "POST");
        post.nextEndpoint();
        assertEquals(0, post.onResponse(503));
        post.end();
    }

    @Test
    void attemptsCapTheRetriesAndTheFinalFailureNamesTheService() throws IOException {
        MeshHttpCall call = call(service(2, retries(2, CONNECT_RESET_503)), "GET");
        call.nextEndpoint();
        assertEquals(0, call.onFailure(FailureKind.CONNECT_FAILURE));
        call.nextEndpoint();
        assertEquals(MeshHttpCall.DONE, call.onFailure(FailureKind.CONNECT_FAILURE));
        IOException failure = call.finalFailure(new ConnectException("Connection refused"));
        assertTrue(failure instanceof ConnectException);
        assertEquals("jmesh: orders: no endpoint reachable (2 attempt(s) made); last: Connection refused",
                failure.getMessage());
        call.end();
    }

    @Test
    void conditionsOutsideRetryOnAreNotRetried() throws IOException {
        MeshHttpCall call = call(service(2, retries(3, RetryOn.DEFAULT)), "GET");
        call.nextEndpoint();
        assertEquals(MeshHttpCall.DONE, call.onResponse(503));
        call.end();
        MeshHttpCall timeout = call(service(2, new RetryPolicy(3, Duration.ofMillis(300),
                new RetryOn(EnumSet.of(Condition.GATEWAY_ERROR), Set.of()), NO_WAIT, UNLIMITED, false)), "GET");
        timeout.nextEndpoint();
        assertEquals(0, timeout.onFailure(FailureKind.TIMEOUT), "a per-try timeout counts as a gateway error");
        timeout.end();
    }

    @Test
    void theBudgetCapsRetries() throws IOException {
        Service service = service(2, new RetryPolicy(2, null, CONNECT_RESET_503, NO_WAIT, new RetryBudget(0.5, 0), false));
        int retried = 0;
        for (int i = 0; i < 100; i++) {
            MeshHttpCall call = call(service, "GET");
            call.nextEndpoint();
            if (call.onResponse(503) != MeshHttpCall.DONE) {
                retried++;
                call.nextEndpoint();
                call.onResponse(200);
            }
            call.end();
        }
        assertTrue(retried >= 45 && retried <= 50, "retried " + retried);
    }

    @Test
    void backoffIsFullJitterUnderTheCap() throws IOException {
        Service service = service(2, new RetryPolicy(5, null, CONNECT_RESET_503,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(25)), UNLIMITED, false));
        MeshHttpCall call = call(service, "GET");
        long[] caps = {10_000_000, 20_000_000, 25_000_000, 25_000_000};
        for (long cap : caps) {
            call.nextEndpoint();
            long wait = call.onFailure(FailureKind.CONNECT_FAILURE);
            assertTrue(wait >= 0 && wait <= cap, wait + " > " + cap);
        }
        call.end();
    }

    @Test
    void deadlinesBoundEachAttemptAndTheCall() throws Exception {
        Service service = service(2, new RetryPolicy(3, Duration.ofMillis(300), CONNECT_RESET_503, NO_WAIT, UNLIMITED, false),
                Duration.ofMillis(1000), CircuitBreakerPolicy.DEFAULT, null);
        MeshHttpCall call = call(service, "GET");
        assertEquals(300, call.attemptTimeoutMillis(false));
        call.end();

        MeshHttpCall expired = call(service, "GET");
        clock.advance(Duration.ofSeconds(2));
        assertEquals(MeshHttpCall.EXPIRED, expired.attemptTimeoutMillis(false));
        assertEquals("jmesh: orders: timeout 1s exceeded after 0 attempt(s)", expired.timeoutMessage());
        expired.nextEndpoint();
        assertEquals(MeshHttpCall.DONE, expired.onFailure(FailureKind.TIMEOUT), "no retry past the deadline");
        expired.end();

        MeshHttpCall unbounded = call(service(1, RetryPolicy.DEFAULT), "GET");
        assertEquals(MeshHttpCall.NO_TIMEOUT, unbounded.attemptTimeoutMillis(false));
        unbounded.end();
    }

    @Test
    void withoutPerTryTimeoutAnIdempotentAttemptThatCanFailOverGetsTheFailoverBound() throws Exception {
        Service three = service(3, RetryPolicy.DEFAULT);
        MeshHttpCall get = call(three, "GET");
        assertEquals(MeshHttpCall.NO_TIMEOUT, get.attemptTimeoutMillis(false), "a bound that would cut a body: none");
        List<InetSocketAddress> tried = new ArrayList<>();
        for (int attempt = 1; attempt <= 2; attempt++) {
            assertEquals(1000, get.attemptTimeoutMillis(true), "bounded, before any answer was seen");
            tried.add(get.nextEndpoint());
            assertTrue(get.onFailure(FailureKind.TIMEOUT) >= 0, "the mesh's own bound is retried");
        }
        assertEquals(MeshHttpCall.NO_TIMEOUT, get.attemptTimeoutMillis(true),
                "the last attempt waits as long as the application does");
        tried.add(get.nextEndpoint());
        assertEquals(3, tried.stream().distinct().count(), "each attempt on an endpoint not tried yet: " + tried);
        get.onResponse(200);
        get.end();

        MeshHttpCall post = call(three, "POST");
        assertEquals(MeshHttpCall.NO_TIMEOUT, post.attemptTimeoutMillis(true), "a POST cannot be retried once sent");
        post.end();
        MeshHttpCall alone = call(service(1, RetryPolicy.DEFAULT), "GET");
        assertEquals(MeshHttpCall.NO_TIMEOUT, alone.attemptTimeoutMillis(true), "no other endpoint to fail over to");
        alone.end();
        MeshHttpCall noBudget = call(service(3, new RetryPolicy(2, null, RetryOn.DEFAULT, NO_WAIT,
                new RetryBudget(0, 0), false)), "GET");
        assertEquals(MeshHttpCall.NO_TIMEOUT, noBudget.attemptTimeoutMillis(true), "no retry left in the budget");
        noBudget.end();
    }

    @Test
    void aRequestThatNeverReachedAServerIsRetriedWithoutDrawingOnTheBudget() throws Exception {
        Service service = service(3, new RetryPolicy(3, null, CONNECT_RESET_503, NO_WAIT, new RetryBudget(0, 0), false));
        MeshHttpCall refused = call(service, "GET");
        refused.nextEndpoint();
        assertTrue(refused.onFailure(FailureKind.CONNECT_FAILURE) >= 0, "nothing was sent: no load added");
        refused.nextEndpoint();
        assertEquals(MeshHttpCall.DONE, refused.onFailure(FailureKind.RESET), "a reset after sending needs the budget");
        refused.end();
    }

    @Test
    void anAttemptBoundedToFailOverIsRetriedEvenIfTheBudgetRanOutMeanwhile() throws Exception {
        Service service = service(3, new RetryPolicy(2, null, RetryOn.DEFAULT, NO_WAIT, new RetryBudget(0, 1), false));
        MeshHttpCall call = call(service, "GET");
        assertEquals(1000, call.attemptTimeoutMillis(true), "the budget has room: bounded");
        call.nextEndpoint();
        for (int i = 0; i < 10; i++) {
            assertTrue(service.budget().tryRetry(clock.nanoTime()), "other calls' retries");
        }
        assertTrue(call.onFailure(FailureKind.TIMEOUT) >= 0, "admitted when its attempt started");
        call.end();
    }

    @Test
    void onceEveryEndpointInRotationFailedARetryGoesToAnEjectedOneRatherThanRepeatAFailure() throws Exception {
        Service service = service(3, RetryPolicy.DEFAULT, null, CircuitBreakerPolicy.DEFAULT,
                new OutlierDetectionPolicy(1, Duration.ofSeconds(10), Duration.ofSeconds(30), 50));
        Endpoint ejected = service.endpoints().get(2);
        service.outliers().onError(ejected);
        assertTrue(ejected.health().ejected());
        MeshHttpCall call = call(service, "GET");
        List<InetSocketAddress> tried = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            call.attemptTimeoutMillis(true);
            tried.add(call.nextEndpoint());
            call.onFailure(FailureKind.CONNECT_FAILURE);
        }
        assertEquals(ejected.address(), call.nextEndpoint(), "both in rotation failed: " + tried);
        call.onResponse(200);
        call.end();
    }

    @Test
    void anAttemptBackToAnEndpointThatFailedThisCallIsBoundedEvenWhenLast() throws Exception {
        MeshHttpCall call = call(service(2, RetryPolicy.DEFAULT), "GET");
        assertEquals(1000, call.attemptTimeoutMillis(true));
        call.nextEndpoint();
        call.onFailure(FailureKind.TIMEOUT);
        assertEquals(1000, call.attemptTimeoutMillis(true), "a retry left: bounded");
        call.nextEndpoint();
        call.onFailure(FailureKind.CONNECT_FAILURE);
        assertEquals(1000, call.attemptTimeoutMillis(true), "the last, but a repeat: bounded");
        call.nextEndpoint();
        assertEquals(MeshHttpCall.DONE, call.onFailure(FailureKind.TIMEOUT));
        call.end();
    }

    @Test
    void aSilentEndpointCannotUseTheBudgetUpAndLeaveLaterAttemptsUnbounded() throws Exception {
        // A budget of 10 retries, and an endpoint that times out every attempt (never ejected here).
        Service service = service(2, new RetryPolicy(3, null, RetryOn.DEFAULT, NO_WAIT, new RetryBudget(0, 1), false),
                null, CircuitBreakerPolicy.DEFAULT,
                new OutlierDetectionPolicy(1000, Duration.ofSeconds(10), Duration.ofSeconds(30), 50));
        InetSocketAddress silent = service.endpoints().get(0).address();
        int silentAttempts = 0;
        for (int i = 0; i < 40; i++) {
            MeshHttpCall call = call(service, "GET");
            long bound = call.attemptTimeoutMillis(true);
            if (call.nextEndpoint().equals(silent)) {
                silentAttempts++;
                assertEquals(1000, bound, "attempt " + silentAttempts + " to the silent endpoint is bounded");
                assertTrue(call.onFailure(FailureKind.TIMEOUT) >= 0, "and retried");
                call.attemptTimeoutMillis(true);
                call.nextEndpoint();
            }
            call.onResponse(200);
            call.end();
        }
        assertTrue(silentAttempts > 10, "more attempts met the silent endpoint than the budget holds: " + silentAttempts);
    }

    @Test
    void theApplicationsOwnTimeoutIsItsDeadlineNotRetried() throws Exception {
        MeshHttpCall call = call(service(3, retries(3, CONNECT_RESET_503)), "GET");
        call.attemptTimeoutMillis(false);
        call.nextEndpoint();
        assertEquals(MeshHttpCall.DONE, call.onFailure(FailureKind.TIMEOUT), "no bound of the mesh's fired");
        call.end();
    }

    @Test
    void overTheConcurrencyLimitCallsFailFast() throws IOException {
        Service service = service(1, RetryPolicy.DEFAULT, null, new CircuitBreakerPolicy(1, 1), null);
        MeshHttpCall first = call(service, "GET");
        first.nextEndpoint();
        MeshHttpCall second = call(service, "GET");
        IOException rejected = assertThrows(IOException.class, second::nextEndpoint);
        assertEquals("jmesh: orders: circuit breaker open: 1 requests in flight (maxConcurrentRequests)",
                rejected.getMessage());
        second.end();
        first.onResponse(200);
        first.end();
        MeshHttpCall third = call(service, "GET");
        third.nextEndpoint();
        third.end();
        assertEquals(0, service.breaker().active());
    }

    @Test
    void retriesWaitingOverTheirLimitAreNotMade() throws IOException {
        Service service = service(2, retries(3, CONNECT_RESET_503), null, new CircuitBreakerPolicy(10, 1), null);
        MeshHttpCall waiting = call(service, "GET");
        waiting.nextEndpoint();
        assertEquals(0, waiting.onFailure(FailureKind.CONNECT_FAILURE));
        MeshHttpCall other = call(service, "GET");
        other.nextEndpoint();
        assertEquals(MeshHttpCall.DONE, other.onFailure(FailureKind.CONNECT_FAILURE));
        waiting.end();
        other.end();
    }

    @Test
    void consecutiveErrorsEjectAnEndpointButNeverTheLastOne() throws IOException {
        Service service = service(2, retries(1, RetryOn.DEFAULT), null, CircuitBreakerPolicy.DEFAULT,
                new OutlierDetectionPolicy(3, Duration.ofSeconds(10), Duration.ofSeconds(30), 100));
        Endpoint bad = service.endpoints().get(0);
        Endpoint good = service.endpoints().get(1);
        for (int i = 0; i < 3; i++) {
            fail(service, bad);
        }
        assertTrue(bad.health().ejected());
        for (int i = 0; i < 10; i++) {
            MeshHttpCall call = call(service, "GET");
            assertEquals(good.address(), call.nextEndpoint(), "only the good endpoint is in rotation");
            call.onResponse(200);
            call.end();
        }
        for (int i = 0; i < 5; i++) {
            fail(service, good);
        }
        assertTrue(!good.health().ejected(), "the last endpoint in rotation stays");
    }

    @Test
    void endReleasesAnUnfinishedAttempt() throws IOException {
        Service service = service(1, RetryPolicy.DEFAULT);
        MeshHttpCall call = call(service, "GET");
        call.nextEndpoint();
        assertEquals(1, service.endpoints().get(0).load().active());
        call.end();
        call.end();
        assertEquals(0, service.endpoints().get(0).load().active());
        assertEquals(0, service.breaker().active());
    }

    @Test
    void aStrayReportWithoutAnAttemptIsIgnored() throws IOException {
        MeshHttpCall call = call(service(1, RetryPolicy.DEFAULT), "GET");
        assertEquals(MeshHttpCall.DONE, call.onResponse(200));
        call.nextEndpoint();
        assertEquals(MeshHttpCall.DONE, call.onResponse(200));
        assertEquals(MeshHttpCall.DONE, call.onFailure(FailureKind.RESET));
        call.end();
    }

    /** Sends one failing call to {@code target}, whatever the balancer would pick. */
    private static void fail(Service service, Endpoint target) throws IOException {
        for (int i = 0; i < 10; i++) {
            MeshHttpCall call = call(service, "GET");
            InetSocketAddress picked = call.nextEndpoint();
            if (picked.equals(target.address())) {
                call.onResponse(503);
                call.end();
                return;
            }
            call.onResponse(200);
            call.end();
        }
        assertSame(target, null, "never picked " + target);
    }
}
