package dev.jmesh.agent.cli;

import dev.jmesh.policy.ConfigParser;
import dev.jmesh.policy.ConfigProblem;
import dev.jmesh.policy.MeshConfig;
import dev.jmesh.policy.ParseResult;
import dev.jmesh.policy.ServiceConfig;
import java.io.PrintStream;
import java.nio.file.Path;

/** {@code check FILE}: a one-line summary, or every error with its line and column. */
final class CheckCommand {

    private CheckCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 1) {
            err.println("usage: java -jar jmesh-agent.jar check FILE");
            return Main.USAGE;
        }
        ParseResult result = ConfigParser.parse(Path.of(args[0]));
        for (ConfigProblem warning : result.warnings()) {
            err.println(warning + " (warning)");
        }
        if (!result.ok()) {
            for (ConfigProblem error : result.errors()) {
                err.println(error);
            }
            err.println(args[0] + ": " + result.errors().size() + " error(s)");
            return Main.FAILED;
        }
        out.println(args[0] + ": OK, " + summary(result.config()));
        return Main.OK;
    }

    private static String summary(MeshConfig config) {
        int endpoints = 0;
        for (ServiceConfig service : config.services().values()) {
            endpoints += service.endpoints().size();
        }
        return (config.workload() == null ? "" : "workload " + config.workload() + ", ")
                + config.services().size() + " service(s) " + config.services().keySet()
                + ", " + endpoints + " endpoint(s)";
    }
}
