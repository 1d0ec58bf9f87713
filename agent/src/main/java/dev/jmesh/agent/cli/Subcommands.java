package dev.jmesh.agent.cli;

import dev.jmesh.pki.IdentityException;
import java.io.IOException;
import java.io.PrintStream;
import java.security.GeneralSecurityException;
import java.util.Map;

/** A command made of subcommands ({@code ca init}, {@code jwt sign}): dispatch, usage and exit codes. */
final class Subcommands {

    /** One subcommand, given its parsed arguments. */
    interface Subcommand {
        int run(Arguments arguments, PrintStream out, PrintStream err)
                throws IdentityException, IOException, GeneralSecurityException;
    }

    private Subcommands() {}

    /**
     * Runs {@code args[0]}'s subcommand: a bad argument prints the reason (and the usage) and
     * exits {@link Main#USAGE}; a failure to do the work exits {@link Main#FAILED}.
     */
    static int run(String command, String usage, Map<String, Subcommand> subcommands, String[] args, PrintStream out,
                   PrintStream err) {
        if (args.length == 0) {
            err.println(usage);
            return Main.USAGE;
        }
        Subcommand subcommand = subcommands.get(args[0]);
        if (subcommand == null) {
            err.println("jmesh " + command + ": unknown subcommand '" + args[0] + "'");
            err.println(usage);
            return Main.USAGE;
        }
        try {
            return subcommand.run(Arguments.parse(args, 1, command, usage), out, err);
        } catch (IllegalArgumentException e) {
            err.println("jmesh " + command + ": " + e.getMessage());
            return Main.USAGE;
        } catch (IdentityException | IOException | GeneralSecurityException e) {
            err.println("jmesh " + command + ": " + e.getMessage());
            return Main.FAILED;
        }
    }
}
