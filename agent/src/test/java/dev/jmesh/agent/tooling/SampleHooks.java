package dev.jmesh.agent.tooling;

import java.util.ArrayList;
import java.util.List;

/** The hooks {@link AdviceWeaverTest} weaves into {@link Sample}; they record what they are given. */
public final class SampleHooks {

    static final List<String> SEEN = new ArrayList<>();
    static String answer;
    static boolean answerConnect;

    private SampleHooks() {}

    public static String greetAnswer(Object sample, String who) {
        SEEN.add("greet " + who);
        return answer;
    }

    public static String louder(String who, long times) {
        return who.toUpperCase() + times;
    }

    public static String exclaim(String returned, Object sample) {
        return returned + "!";
    }

    public static boolean connectAnswer(Object sample, String where, int timeout) {
        SEEN.add("connect " + where + " " + timeout);
        return answerConnect;
    }

    public static boolean finishAnswer(Object sample, boolean fail) {
        SEEN.add("finish " + fail);
        return answerConnect;
    }

    public static void thrown(Throwable error, Object sample) {
        SEEN.add("thrown " + error.getMessage());
    }

    public static String[] resolve(String host) {
        return host.equals("mesh") ? new String[] {"mesh:" + host} : null;
    }

    public static String named(String name, int calls) {
        return "woven " + name;
    }

    public static boolean finished(boolean returned, Object sample) {
        SEEN.add("finished " + returned);
        return !returned;
    }
}
