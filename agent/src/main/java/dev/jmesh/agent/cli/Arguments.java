package dev.jmesh.agent.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A subcommand's positional arguments and {@code --name value} options, in any order. */
final class Arguments {

    final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();
    private final String command;
    private final String usage;

    private Arguments(String command, String usage) {
        this.command = command;
        this.usage = usage;
    }

    /** @param command the command's name and @param usage its usage text, for what {@link #check} prints */
    static Arguments parse(String[] args, int from, String command, String usage) {
        Arguments arguments = new Arguments(command, usage);
        for (int i = from; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                if (arguments.options.put(args[i], args[++i]) != null) {
                    throw new IllegalArgumentException(args[i - 1] + " given twice");
                }
            } else {
                arguments.positional.add(args[i]);
            }
        }
        return arguments;
    }

    boolean check(int positionalCount, Set<String> known, PrintStream err) {
        for (String option : options.keySet()) {
            if (!known.contains(option)) {
                err.println("jmesh " + command + ": unknown option " + option);
                err.println(usage);
                return false;
            }
        }
        if (positional.size() != positionalCount) {
            err.println(usage);
            return false;
        }
        return true;
    }

    String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    /** @param unit what the number counts, for the error */
    long intOption(String name, long fallback, String unit) {
        String value = options.get(name);
        try {
            return value == null ? fallback : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number of " + unit + ", not '" + value + "'");
        }
    }
}
