package dev.jmesh.control.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** The registry of a lone replica: the agents linked to this process, nobody else's. */
public final class InMemoryRegistry implements Registry {

    private final List<Entry> entries = new ArrayList<>();
    private final List<Consumer<Map<String, List<RegisteredEndpoint>>>> listeners = new CopyOnWriteArrayList<>();

    private record Entry(String workload, RegisteredEndpoint endpoint, Object id) {}

    @Override
    public Registration register(String workload, RegisteredEndpoint endpoint) {
        Entry entry = new Entry(workload, endpoint, new Object());
        synchronized (this) {
            entries.add(entry);
        }
        publish();
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                synchronized (this) {
                    entries.remove(entry);
                }
                publish();
            }
        };
    }

    @Override
    public void watch(Consumer<Map<String, List<RegisteredEndpoint>>> listener) {
        listeners.add(listener);
        listener.accept(view());
    }

    private synchronized Map<String, List<RegisteredEndpoint>> view() {
        Map<String, TreeSet<RegisteredEndpoint>> byWorkload = new TreeMap<>();
        for (Entry e : entries) {
            byWorkload.computeIfAbsent(e.workload(), w -> new TreeSet<>()).add(e.endpoint());
        }
        Map<String, List<RegisteredEndpoint>> view = new TreeMap<>();
        byWorkload.forEach((w, endpoints) -> view.put(w, List.copyOf(endpoints)));
        return view;
    }

    private void publish() {
        Map<String, List<RegisteredEndpoint>> view = view();
        listeners.forEach(l -> l.accept(view));
    }

    @Override
    public String describe() {
        return "in-memory (this replica's agents only)";
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
