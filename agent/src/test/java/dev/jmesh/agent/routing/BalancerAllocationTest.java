package dev.jmesh.agent.routing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.policy.BalancerKind;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** pick() must not allocate: it runs on every request of the application. */
class BalancerAllocationTest {

    @ParameterizedTest
    @EnumSource(BalancerKind.class)
    void pickDoesNotAllocate(BalancerKind kind) {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            endpoints.add(new Endpoint(new InetSocketAddress("127.0.0.1", 9000 + i), 1 + i % 3, null, System.nanoTime()));
        }
        for (Duration slowStart : new Duration[] {null, Duration.ofMinutes(1)}) {
            Balancer balancer = Balancers.create(kind, endpoints, slowStart, MeshClock.SYSTEM);
            long[] hashes = new long[1024];
            for (int i = 0; i < hashes.length; i++) {
                hashes[i] = Hashing.xxHash64("key-" + i);
            }
            long sink = 0;
            long thread = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 200_000; i++) {
                sink += balancer.pick(hashes[i & 1023]).weight();
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            // One 16-byte object per pick would be 3.2 MB; leave room for the JIT and the MXBean.
            assertTrue(allocated < 200_000, kind + " slowStart=" + slowStart + ": " + allocated + " bytes, " + sink);
        }
    }
}
