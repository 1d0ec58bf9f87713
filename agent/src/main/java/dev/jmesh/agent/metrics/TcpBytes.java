package dev.jmesh.agent.metrics;

import dev.jmesh.bootstrap.ByteCount;
import java.util.concurrent.atomic.LongAdder;

/** The bytes of a set of tcp connections, received from and sent to downstream, as they pass. */
class TcpBytes implements ByteCount {

    final LongAdder received = new LongAdder();
    final LongAdder sent = new LongAdder();

    @Override
    public void received(long bytes) {
        received.add(bytes);
    }

    @Override
    public void sent(long bytes) {
        sent.add(bytes);
    }
}
