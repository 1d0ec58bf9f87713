package dev.jmesh.agent.tooling;

import java.io.IOException;

/** A class for {@link AdviceWeaverTest} to weave: one method per kind of step, with branches and handlers of its own. */
public class Sample {

    public static String shared = "static";

    public String name;
    public int calls;

    public Sample(String name) {
        this.name = name;
        if (name.isEmpty()) {
            this.name = "none";
            return;
        }
    }

    public String greet(String who, long times) {
        calls++;
        StringBuilder text = new StringBuilder();
        for (long i = 0; i < times; i++) {
            text.append("hello ").append(who);
        }
        return text.toString();
    }

    public void connect(String where, int timeout) throws IOException {
        calls++;
        if (where.equals("down")) {
            throw new IOException("refused: " + where);
        }
    }

    public static String[] resolve(String host) {
        return new String[] {"dns:" + host};
    }

    public boolean finish(boolean fail) throws IOException {
        try {
            if (fail) {
                throw new IllegalStateException("handled inside");
            }
        } catch (IllegalStateException handled) {
            throw new IOException("failed", handled);
        }
        return calls > 0;
    }
}
