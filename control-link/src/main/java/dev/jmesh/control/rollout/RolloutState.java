package dev.jmesh.control.rollout;

import dev.jmesh.policy.RolloutConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where one rollout is: its phase, its step and when that step began, and its last decisions.
 * Immutable; kept where every replica reads it (ZooKeeper, or the lone replica's state file),
 * so a replica that takes over resumes exactly here.
 *
 * @param definition the rollout's {@link RolloutConfig#definition()}: a changed rollout starts again
 * @param step       index into the rollout's steps
 * @param started    when the step began, epoch milliseconds
 * @param history    the last {@link #HISTORY} decisions, oldest first
 */
public record RolloutState(String definition, Phase phase, int step, long started, List<Decision> history) {

    static final int HISTORY = 32;

    public enum Phase {
        PROGRESSING, PROMOTED, ROLLED_BACK, ABORTED;

        String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** What was decided, when, at which step and weight, and the figures behind it. */
    public record Decision(long at, int step, int weight, Kind kind, String why) {
        public enum Kind { START, ADVANCE, HOLD, PROMOTE, ROLLBACK, ABORT }

        public Decision {
            Objects.requireNonNull(kind, "kind");
            why = why.replace('\n', ' ');
        }

        String word() {
            return kind.name().toLowerCase(Locale.ROOT);
        }
    }

    public RolloutState {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(phase, "phase");
        history = List.copyOf(history.size() > HISTORY ? history.subList(history.size() - HISTORY, history.size()) : history);
    }

    /** The percent of traffic on {@code to} now. */
    public int weight(RolloutConfig rollout) {
        return switch (phase) {
            case PROGRESSING -> rollout.steps().get(step);
            case PROMOTED -> 100;
            case ROLLED_BACK, ABORTED -> 0;
        };
    }

    /** This state moved on: a new phase and step, {@code decision} added to the history. */
    RolloutState next(Phase phase, int step, long started, Decision decision) {
        List<Decision> more = new ArrayList<>(history);
        more.add(decision);
        return new RolloutState(definition, phase, step, started, more);
    }

    /** The stored form: a few {@code key=value} lines, then one line per decision. */
    public String encode() {
        StringBuilder out = new StringBuilder()
                .append("definition=").append(definition).append('\n')
                .append("phase=").append(phase.word()).append('\n')
                .append("step=").append(step).append('\n')
                .append("started=").append(started).append('\n');
        for (Decision d : history) {
            out.append("decision=").append(d.at()).append(' ').append(d.step()).append(' ').append(d.weight())
                    .append(' ').append(d.word()).append(' ').append(d.why()).append('\n');
        }
        return out.toString();
    }

    /** The stored form read back; an unreadable state is an {@link IllegalArgumentException}. */
    public static RolloutState decode(String text) {
        String definition = null;
        Phase phase = null;
        int step = -1;
        long started = -1;
        List<Decision> history = new ArrayList<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (line.isEmpty()) {
                continue;
            }
            if (eq < 0) {
                throw new IllegalArgumentException("malformed rollout state line '" + line + "'");
            }
            String value = line.substring(eq + 1);
            switch (line.substring(0, eq)) {
                case "definition" -> definition = value;
                case "phase" -> phase = Phase.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
                case "step" -> step = Integer.parseInt(value);
                case "started" -> started = Long.parseLong(value);
                case "decision" -> {
                    String[] parts = value.split(" ", 5);
                    history.add(new Decision(Long.parseLong(parts[0]), Integer.parseInt(parts[1]),
                            Integer.parseInt(parts[2]), Decision.Kind.valueOf(parts[3].toUpperCase(Locale.ROOT)),
                            parts.length > 4 ? parts[4] : ""));
                }
                default -> throw new IllegalArgumentException("unknown rollout state key in '" + line + "'");
            }
        }
        if (definition == null || phase == null || step < 0 || started < 0) {
            throw new IllegalArgumentException("incomplete rollout state");
        }
        return new RolloutState(definition, phase, step, started, history);
    }
}
