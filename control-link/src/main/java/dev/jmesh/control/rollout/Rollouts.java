package dev.jmesh.control.rollout;

import dev.jmesh.control.protocol.ProtocolException;
import dev.jmesh.control.protocol.SubsetSummary;
import dev.jmesh.policy.RolloutConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A replica's rollouts: on a short tick it publishes its agents' sums, reads every rollout's
 * state, and, when it leads, judges each running step on every replica's sums since the step
 * began ({@link RolloutPolicy}) and writes the next state with a compare-and-set. Every replica,
 * leading or not, turns the states into the splits it pushes its agents, so all agents get the
 * same split whichever replica they are linked to.
 */
public final class Rollouts implements AutoCloseable {

    private final RolloutStore store;
    private final LongSupplier clock;
    private final Consumer<String> log;
    private final Consumer<Map<String, Split>> onSplits;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jmesh-control-rollouts");
        t.setDaemon(true);
        return t;
    });
    private volatile List<RolloutConfig> configured = List.of();
    /** This replica's agents' reports, summed; its own lock, so a link thread never waits for a tick's store I/O. */
    private final Object reportsLock = new Object();
    private Map<String, SubsetSummary> local = Map.of(); // guarded by reportsLock
    /** The leader's sums at the start of each running step's window, by service. Ticks hold {@code this}. */
    private final Map<String, Window> windows = new HashMap<>();
    private final Map<String, LongAdder> decisions = new ConcurrentHashMap<>();
    private Map<String, Split> splits = Map.of();
    private String lastProblem;
    private volatile View view = new View(false, Map.of());

    /**
     * What one step is judged on: what was carried over (a predecessor's counts, saved in the
     * store) plus what every replica's sums added since {@code baseline} was read.
     */
    private record Window(String definition, int step, long started, SubsetSummary carriedTo,
                          SubsetSummary carriedFrom, Map<String, Map<String, SubsetSummary>> baseline) {

        boolean of(RolloutState state) {
            return definition.equals(state.definition()) && step == state.step() && started == state.started();
        }

        /** The stored form of this step's counts: which step, and the figures so far. */
        static String encode(RolloutState state, SubsetSummary to, SubsetSummary from) {
            return "definition=" + state.definition() + "\nstep=" + state.step() + "\nstarted=" + state.started()
                    + "\nto=" + to.line() + "\nfrom=" + from.line() + "\n";
        }

        /** A window opening now for {@code state}, carrying the saved counts if they are this step's. */
        static Window open(RolloutConfig rollout, RolloutState state, String saved,
                           Map<String, Map<String, SubsetSummary>> totals) {
            SubsetSummary to = SubsetSummary.empty(rollout.service(), rollout.to());
            SubsetSummary from = SubsetSummary.empty(rollout.service(), rollout.from());
            if (saved != null && saved.startsWith("definition=" + state.definition() + "\nstep=" + state.step()
                    + "\nstarted=" + state.started() + "\n")) {
                try {
                    for (String line : saved.split("\n")) {
                        if (line.startsWith("to=")) {
                            to = SubsetSummary.parse(line.substring(3));
                        } else if (line.startsWith("from=")) {
                            from = SubsetSummary.parse(line.substring(5));
                        }
                    }
                } catch (ProtocolException unreadable) {
                    // counted from now, as without a saved window
                }
            }
            return new Window(state.definition(), state.step(), state.started(), to, from, totals);
        }
    }

    /** How often the leader saves what a step counted so far (when it changed). */
    private static final long SAVE_EVERY_MILLIS = 1_000;
    private final Map<String, Long> savedAt = new HashMap<>();

    /** What {@code rollouts} and {@code /metrics} show: a snapshot made at each tick. */
    private record View(boolean leading, Map<String, Shown> rollouts) {}

    private record Shown(RolloutConfig config, RolloutState state, SubsetSummary to, SubsetSummary from) {}

    private Rollouts(RolloutStore store, LongSupplier clock, Consumer<String> log, Consumer<Map<String, Split>> onSplits) {
        this.store = store;
        this.clock = clock;
        this.log = log;
        this.onSplits = onSplits;
    }

    /**
     * Rollouts of one replica, ticking every {@code tick}.
     *
     * @param zookeeper {@code host:port} list, or null: then state is a file in {@code configDir}
     * @param replica   this replica's name, unique among the replicas
     */
    public static Rollouts start(String zookeeper, Duration sessionTimeout, Path configDir, String replica,
                                 Duration tick, Consumer<String> log, Consumer<Map<String, Split>> onSplits)
            throws IOException {
        RolloutStore store = zookeeper == null ? new FileRolloutStore(configDir)
                : new ZooKeeperRolloutStore(zookeeper, sessionTimeout, replica, log);
        Rollouts rollouts = new Rollouts(store, System::currentTimeMillis, log, onSplits);
        rollouts.ticker.scheduleWithFixedDelay(rollouts::tickSafely, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
        return rollouts;
    }

    /** For tests: one store, an injected clock; ticked by the caller, and once on its own thread per {@link #configure}. */
    static Rollouts of(RolloutStore store, LongSupplier clock, Consumer<String> log, Consumer<Map<String, Split>> onSplits) {
        return new Rollouts(store, clock, log, onSplits);
    }

    /** The rollouts the config directory declares now (checked against its services). */
    public void configure(List<RolloutConfig> rollouts) {
        configured = List.copyOf(rollouts);
        ticker.execute(this::tickSafely);
    }

    /** One agent's report: added to this replica's sums. */
    public void report(List<SubsetSummary> summaries) {
        synchronized (reportsLock) {
            local = Totals.add(local, summaries);
        }
    }

    private Map<String, SubsetSummary> local() {
        synchronized (reportsLock) {
            return local;
        }
    }

    private synchronized void tickSafely() {
        try {
            tick();
            lastProblem = null;
        } catch (RolloutStore.StoreException | RuntimeException e) {
            String problem = "rollouts: " + e.getMessage() + "; the splits in effect stay, retrying";
            if (!problem.equals(lastProblem)) {
                log.accept(problem);
                lastProblem = problem;
            }
        }
    }

    /** Publishes this replica's sums, then judges (when leading) and pushes every rollout's split. */
    synchronized void tick() throws RolloutStore.StoreException {
        long now = clock.getAsLong();
        store.publish(local());
        Map<String, RolloutStore.Stored> states = store.states();
        boolean leading = store.leading();
        Map<String, Map<String, SubsetSummary>> totals = leading ? store.totals() : Map.of();
        if (!leading) {
            windows.clear(); // a replica that leads again carries on from the saved windows
        }
        Map<String, Split> next = new TreeMap<>();
        Map<String, Shown> shown = new LinkedHashMap<>();
        for (RolloutConfig rollout : configured) {
            RolloutStore.Stored stored = states.get(rollout.service());
            RolloutState state = stored == null ? null : stored.state();
            SubsetSummary to = SubsetSummary.empty(rollout.service(), rollout.to());
            SubsetSummary from = SubsetSummary.empty(rollout.service(), rollout.from());
            if (leading) {
                Window window = window(rollout, state, totals);
                if (window != null) {
                    to = figures(window.carriedTo(), window, totals);
                    from = figures(window.carriedFrom(), window, totals);
                }
                RolloutState moved = RolloutPolicy.next(rollout, state, to, from, now);
                if (moved != state && store.write(rollout.service(), moved, stored == null ? -1 : stored.version())) {
                    state = moved;
                    decided(rollout, moved.history().get(moved.history().size() - 1));
                    to = SubsetSummary.empty(rollout.service(), rollout.to());
                    from = SubsetSummary.empty(rollout.service(), rollout.from());
                    // The next step is judged on what comes after the sums read at this tick.
                    windows.put(rollout.service(), new Window(moved.definition(), moved.step(), moved.started(), to,
                            from, totals));
                    savedAt.remove(rollout.service());
                } else if (window != null && now - savedAt.getOrDefault(rollout.service(), 0L) >= SAVE_EVERY_MILLIS
                        && to.requests() + from.requests() > 0) {
                    store.saveWindow(rollout.service(), Window.encode(state, to, from));
                    savedAt.put(rollout.service(), now);
                }
            }
            if (state != null && state.definition().equals(rollout.definition())) {
                next.put(rollout.service(), new Split(rollout.from(), rollout.to(), state.weight(rollout)));
            }
            shown.put(rollout.service(), new Shown(rollout, state, to, from));
        }
        view = new View(leading, shown);
        if (!next.equals(splits)) {
            splits = next;
            onSplits.accept(next);
        }
    }

    /**
     * The window {@code state}'s step is judged on: this leader's own, or one opened now (on
     * taking over, the predecessor's saved counts carried into it); null without a state.
     */
    private Window window(RolloutConfig rollout, RolloutState state, Map<String, Map<String, SubsetSummary>> totals)
            throws RolloutStore.StoreException {
        if (state == null) {
            windows.remove(rollout.service());
            return null;
        }
        Window window = windows.get(rollout.service());
        if (window == null || !window.of(state)) {
            window = Window.open(rollout, state, store.window(rollout.service()), totals);
            windows.put(rollout.service(), window);
        }
        return window;
    }

    /** {@code carried}, plus what every replica's agents reported for its subset since the window opened. */
    private static SubsetSummary figures(SubsetSummary carried, Window window,
                                         Map<String, Map<String, SubsetSummary>> totals) {
        SubsetSummary sum = carried;
        for (Map.Entry<String, Map<String, SubsetSummary>> replica : totals.entrySet()) {
            SubsetSummary now = replica.getValue().get(carried.key());
            if (now == null) {
                continue;
            }
            SubsetSummary then = window.baseline().getOrDefault(replica.getKey(), Map.of()).get(carried.key());
            sum = sum.plus(then == null ? now : now.minus(then));
        }
        return sum;
    }

    private void decided(RolloutConfig rollout, RolloutState.Decision decision) {
        decisions.computeIfAbsent(rollout.service() + "\u0000" + decision.word(), k -> new LongAdder()).increment();
        log.accept("rollout " + rollout.service() + ": " + decision.word() + ": " + decision.why());
    }

    // ---- operators ----------------------------------------------------------------------------

    /** The answer to an operator's command: {@code rollouts}, {@code start SERVICE} or {@code abort SERVICE}. */
    public Answer command(String line) {
        String[] words = line.strip().split("\\s+");
        if (words.length == 1 && words[0].equals("rollouts")) {
            return new Answer(true, status());
        }
        if (words.length == 2 && (words[0].equals("start") || words[0].equals("abort"))) {
            CommandResult result = onTicker(() -> change(words[0], words[1]));
            return new Answer(result.ok, result.text);
        }
        return new Answer(false, "unknown command '" + line.strip() + "' (expected: rollouts | start SERVICE | abort SERVICE)\n");
    }

    /** An operator's answer. */
    public record Answer(boolean ok, String text) {}

    private record CommandResult(boolean ok, String text) {}

    private CommandResult onTicker(Callable<CommandResult> action) {
        try {
            return ticker.submit(action).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return new CommandResult(false, "failed: " + e.getMessage() + "\n");
        }
    }

    /** Starts again or aborts, with a compare-and-set like a step, so it never races the leader silently. */
    private synchronized CommandResult change(String verb, String service) throws RolloutStore.StoreException {
        RolloutConfig rollout = configured.stream().filter(r -> r.service().equals(service)).findFirst().orElse(null);
        if (rollout == null) {
            return new CommandResult(false, "no rollout of '" + service + "' is declared\n");
        }
        RolloutStore.Stored stored = store.states().get(service);
        RolloutState state = stored == null ? null : stored.state();
        long now = clock.getAsLong();
        RolloutState next;
        if (verb.equals("abort")) {
            if (state == null || state.phase() != RolloutState.Phase.PROGRESSING) {
                return new CommandResult(false, "the rollout of '" + service + "' is not running ("
                        + (state == null ? "not started" : state.phase().word()) + ")\n");
            }
            next = RolloutPolicy.abort(rollout, state, now);
        } else {
            if (state != null && state.phase() == RolloutState.Phase.PROGRESSING
                    && state.definition().equals(rollout.definition())) {
                return new CommandResult(false, "the rollout of '" + service + "' is running, at step "
                        + (state.step() + 1) + "\n");
            }
            next = RolloutPolicy.start(rollout, now);
        }
        if (!store.write(service, next, stored == null ? -1 : stored.version())) {
            return new CommandResult(false, "another replica changed the rollout of '" + service + "' meanwhile; try again\n");
        }
        decided(rollout, next.history().get(next.history().size() - 1));
        windows.remove(service);
        tick();
        return new CommandResult(true, status());
    }

    // ---- what it shows ------------------------------------------------------------------------

    /** A readable table of every rollout, its step and figures, and its last decisions. */
    public String status() {
        View v = view;
        if (v.rollouts().isEmpty()) {
            return "no rollouts declared\n";
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-20s %-24s %-12s %-6s %-7s %s%n", "SERVICE", "FROM > TO", "PHASE",
                "STEP", "WEIGHT", v.leading() ? "THIS STEP" : "THIS STEP (judged by the leading replica)"));
        v.rollouts().forEach((service, r) -> {
            RolloutState s = r.state();
            out.append(String.format(Locale.ROOT, "%-20s %-24s %-12s %-6s %-7s %s%n", service,
                    r.config().from() + " > " + r.config().to(), s == null ? "starting" : s.phase().word(),
                    s == null ? "-" : (s.step() + 1) + "/" + r.config().steps().size(),
                    s == null ? "-" : s.weight(r.config()) + "%",
                    v.leading() && s != null && s.phase() == RolloutState.Phase.PROGRESSING
                            ? StepVerdict.judge(r.config(), r.to(), r.from()).figures() : "-"));
        });
        v.rollouts().forEach((service, r) -> {
            if (r.state() != null && !r.state().history().isEmpty()) {
                out.append('\n').append(service).append(" decisions:\n");
                for (RolloutState.Decision d : r.state().history()) {
                    out.append(String.format(Locale.ROOT, "  %s  step %d  %3d%%  %-8s %s%n", Instant.ofEpochMilli(d.at()),
                            d.step() + 1, d.weight(), d.word(), d.why()));
                }
            }
        });
        return out.toString();
    }

    /** The rollouts' metrics, in Prometheus' text format. */
    public String metrics() {
        View v = view;
        StringBuilder out = new StringBuilder();
        family(out, "jmesh_rollout_leader", "gauge", "1 when this replica advances rollouts.");
        sample(out, "jmesh_rollout_leader", "", v.leading() ? 1 : 0);
        family(out, "jmesh_rollout_weight", "gauge", "Percent of a service's traffic each subset of its rollout gets.");
        v.rollouts().forEach((service, r) -> {
            if (r.state() != null) {
                int weight = r.state().weight(r.config());
                sample(out, "jmesh_rollout_weight", labels(service, "subset", r.config().to()), weight);
                sample(out, "jmesh_rollout_weight", labels(service, "subset", r.config().from()), 100 - weight);
            }
        });
        family(out, "jmesh_rollout_step", "gauge", "The step a rollout is at, 1 up.");
        v.rollouts().forEach((service, r) -> {
            if (r.state() != null) {
                sample(out, "jmesh_rollout_step", labels(service, null, null), r.state().step() + 1);
            }
        });
        family(out, "jmesh_rollout_phase", "gauge", "1 for the phase a rollout is in.");
        v.rollouts().forEach((service, r) -> {
            for (RolloutState.Phase phase : RolloutState.Phase.values()) {
                sample(out, "jmesh_rollout_phase", labels(service, "phase", phase.word()),
                        r.state() != null && r.state().phase() == phase ? 1 : 0);
            }
        });
        family(out, "jmesh_rollout_decisions_total", "counter", "Decisions this replica took.");
        new TreeMap<>(decisions).forEach((key, count) -> {
            String[] parts = key.split("\u0000");
            sample(out, "jmesh_rollout_decisions_total", labels(parts[0], "decision", parts[1]), count.sum());
        });
        if (v.leading()) {
            // One group per family, as the text format requires.
            family(out, "jmesh_rollout_step_requests", "gauge", "Calls to a subset in the current step, every agent.");
            v.rollouts().forEach((service, r) -> {
                for (SubsetSummary s : List.of(r.to(), r.from())) {
                    sample(out, "jmesh_rollout_step_requests", labels(service, "subset", s.subset()), s.requests());
                }
            });
            family(out, "jmesh_rollout_step_failed", "gauge", "Failed calls to a subset in the current step, every agent.");
            v.rollouts().forEach((service, r) -> {
                for (SubsetSummary s : List.of(r.to(), r.from())) {
                    sample(out, "jmesh_rollout_step_failed", labels(service, "subset", s.subset()), s.failed());
                }
            });
        }
        return out.toString();
    }

    private static void family(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ')
                .append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, long value) {
        out.append(name).append(labels.isEmpty() ? "" : "{" + labels + "}").append(' ').append(value).append('\n');
    }

    /** Names are the mesh's (no quotes or backslashes to escape). */
    private static String labels(String service, String name, String value) {
        return "service=\"" + service + "\"" + (name == null ? "" : "," + name + "=\"" + value + "\"");
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
