package dev.jmesh.agent.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.bootstrap.AsyncHttpTransport;
import dev.jmesh.bootstrap.FailureKind;
import dev.jmesh.bootstrap.HttpTransport;
import dev.jmesh.policy.CircuitBreakerPolicy;
import dev.jmesh.policy.RetryPolicy;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The two loops every client adapter's transport is driven by, with transports that answer
 * from a script: what is sent where, what is discarded, and what the application gets.
 */
class AttemptLoopsTest {

    private final MeshHttpCallTest policies = new MeshHttpCallTest();

    @AfterEach
    void close() {
        policies.close();
    }

    /** Answers each attempt with the next status, or throws the next failure or fault of the script. */
    private static final class ScriptedTransport implements HttpTransport<Integer> {

        final List<Object> script;
        final List<InetSocketAddress> sentTo = new ArrayList<>();
        final List<Integer> discarded = new ArrayList<>();

        ScriptedTransport(Object... script) {
            this.script = new ArrayList<>(List.of(script));
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public Integer send(InetSocketAddress endpoint, long timeoutMillis) throws IOException {
            sentTo.add(endpoint);
            Object next = script.remove(0);
            if (next instanceof IOException failure) {
                throw failure;
            }
            if (next instanceof RuntimeException fault) {
                throw fault;
            }
            return (Integer) next;
        }

        @Override
        public int status(Integer response) {
            return response;
        }

        @Override
        public void discard(Integer response) {
            discarded.add(response);
        }

        @Override
        public FailureKind classify(IOException failure) {
            return FailureKind.of(failure);
        }
    }

    @Test
    void aRetriedResponseIsDiscardedAndTheNextEndpointAnswers() throws IOException {
        Service service = policies.service(3, MeshHttpCallTest.retries(3, MeshHttpCallTest.CONNECT_RESET_503));
        ScriptedTransport transport = new ScriptedTransport(new ConnectException("refused"), 503, 200);
        Integer answer = MeshHttpCallTest.unrouted(service, "GET").execute(transport);
        assertEquals(200, answer);
        assertEquals(List.of(503), transport.discarded, "the 503 was released, never given to the application");
        assertEquals(3, transport.sentTo.stream().distinct().count(), "each attempt elsewhere: " + transport.sentTo);
        assertEquals(0, service.breaker().active(), "the call ended");
    }

    @Test
    void theLastFailureIsTheApplicationsNamingTheService() {
        Service service = policies.service(2, MeshHttpCallTest.retries(2, MeshHttpCallTest.CONNECT_RESET_503));
        ScriptedTransport transport = new ScriptedTransport(new ConnectException("refused"), new ConnectException("refused"));
        IOException failure = assertThrows(IOException.class, () -> MeshHttpCallTest.unrouted(service, "GET").execute(transport));
        assertTrue(failure.getMessage().startsWith("jmesh: orders: no endpoint reachable"), failure.getMessage());
        assertEquals(0, service.breaker().active());
    }

    @Test
    void anAdapterFaultEndsTheCallAndReachesTheApplicationAsItIs() {
        Service service = policies.service(2, MeshHttpCallTest.retries(2, MeshHttpCallTest.CONNECT_RESET_503));
        ScriptedTransport broken = new ScriptedTransport(new IllegalStateException("library fault"));
        assertThrows(IllegalStateException.class, () -> MeshHttpCallTest.unrouted(service, "GET").execute(broken));
        assertEquals(0, service.breaker().active());
    }

    @Test
    void aCallOverTheBreakerLimitSendsNothing() {
        Service service = policies.service(1, MeshHttpCallTest.retries(1, MeshHttpCallTest.CONNECT_RESET_503), null,
                new CircuitBreakerPolicy(1, 1), null);
        MeshHttpCall holding = MeshHttpCallTest.unrouted(service, "GET");
        ScriptedTransport transport = new ScriptedTransport(200);
        IOException rejected = assertThrows(IOException.class, () -> MeshHttpCallTest.unrouted(service, "GET").execute(transport));
        assertTrue(rejected.getMessage().contains("circuit breaker open"), rejected.getMessage());
        assertEquals(List.of(), transport.sentTo);
        holding.end();
    }

    /** Completes each attempt when the test says; asks the verdict at the head as the contract says. */
    private static final class HeldTransport implements AsyncHttpTransport<String> {

        final List<CompletableFuture<String>> attempts = new ArrayList<>();
        final List<IntPredicate> verdicts = new ArrayList<>();

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public synchronized CompletableFuture<String> send(InetSocketAddress endpoint, long timeoutMillis,
                                                           IntPredicate deliver) {
            CompletableFuture<String> attempt = new CompletableFuture<>();
            attempts.add(attempt);
            verdicts.add(deliver);
            notifyAll();
            return attempt;
        }

        synchronized void awaitAttempts(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (attempts.size() < n && System.nanoTime() < deadline) {
                wait(100);
            }
            assertEquals(n, attempts.size());
        }

        /** The attempt's response arrives with {@code status}; its body is what the head verdict allowed. */
        void answer(int attempt, int status) {
            boolean delivered = verdicts.get(attempt).test(status);
            attempts.get(attempt).complete(delivered ? "body " + status : null);
        }

        @Override
        public FailureKind classify(Throwable failure) {
            return failure instanceof IOException io ? FailureKind.of(io) : FailureKind.OTHER;
        }

        @Override
        public IOException timeout(String message) {
            return new SocketTimeoutException(message);
        }
    }

    @Test
    void asyncAttemptsChainWithoutAThreadAndTheRetriedBodyIsNeverRead() throws Exception {
        Service service = policies.service(2, MeshHttpCallTest.retries(2, MeshHttpCallTest.CONNECT_RESET_503));
        HeldTransport transport = new HeldTransport();
        CompletableFuture<String> call = MeshHttpCallTest.unrouted(service, "GET").executeAsync(transport);
        transport.awaitAttempts(1);
        transport.answer(0, 503);
        transport.awaitAttempts(2); // started by the first attempt's completion, after its backoff
        transport.answer(1, 200);
        assertEquals("body 200", call.get(10, TimeUnit.SECONDS));
        assertEquals(0, service.breaker().active());
    }

    @Test
    void anAsyncAttemptWithoutAResponseHeadByItsBoundIsAbandonedWhateverTheLibraryDoes() throws Exception {
        Service service = policies.service(2, new RetryPolicy(2, Duration.ofMillis(50), MeshHttpCallTest.CONNECT_RESET_503,
                MeshHttpCallTest.NO_WAIT, MeshHttpCallTest.UNLIMITED, false));
        HeldTransport transport = new HeldTransport(); // a library whose own timer never fires
        CompletableFuture<String> call = MeshHttpCallTest.unrouted(service, "GET").executeAsync(transport);
        transport.awaitAttempts(1);
        policies.clock.advance(Duration.ofMillis(49));
        assertEquals(1, transport.attempts.size(), "not before its bound");
        policies.clock.advance(Duration.ofMillis(1));
        transport.awaitAttempts(2); // the second started once the first was abandoned at 50 ms
        assertTrue(transport.attempts.get(0).isCancelled(), "the library is told to stop the first");
        transport.answer(1, 200);
        assertEquals("body 200", call.get(10, TimeUnit.SECONDS));
        assertEquals(false, transport.verdicts.get(0).test(200), "a late answer to the abandoned one is discarded");
        assertEquals(0, service.breaker().active());
    }

    @Test
    void cancellingTheCallCancelsTheAttemptInFlight() throws Exception {
        Service service = policies.service(2, MeshHttpCallTest.retries(2, MeshHttpCallTest.CONNECT_RESET_503));
        HeldTransport transport = new HeldTransport();
        CompletableFuture<String> call = MeshHttpCallTest.unrouted(service, "GET").executeAsync(transport);
        transport.awaitAttempts(1);
        call.cancel(true);
        assertTrue(transport.attempts.get(0).isCancelled());
        assertEquals(0, service.breaker().active(), "the call ended when its attempt did");
    }

    @Test
    void aFailedAsyncAttemptIsTheApplicationsWhenNoRetryIsLeft() throws Exception {
        Service service = policies.service(1, MeshHttpCallTest.retries(1, MeshHttpCallTest.CONNECT_RESET_503));
        HeldTransport transport = new HeldTransport();
        CompletableFuture<String> call = MeshHttpCallTest.unrouted(service, "GET").executeAsync(transport);
        transport.awaitAttempts(1);
        ConnectException refused = new ConnectException("refused");
        transport.attempts.get(0).completeExceptionally(refused);
        ExecutionException failure = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        assertTrue(failure.getCause().getMessage().startsWith("jmesh: orders: no endpoint reachable"),
                failure.getCause().getMessage());
        assertSame(refused, failure.getCause().getCause());
    }
}
