package dev.jmesh.agent.cli;

import dev.jmesh.agent.Version;
import java.io.PrintStream;
import java.util.Arrays;

/** {@code java -jar jmesh-agent.jar COMMAND ...} */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            usage(err);
            return USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "check":
                return CheckCommand.run(rest, out, err);
            case "attach":
                return AttachCommand.run(rest, out, err);
            case "status":
                return StatusCommand.run(rest, out, err);
            case "ca":
                return CaCommand.run(rest, out, err);
            case "jwt":
                return JwtCommand.run(rest, out, err);
            case "version":
            case "--version":
                out.println("jmesh " + Version.get());
                return OK;
            case "help":
            case "--help":
            case "-h":
                usage(out);
                return OK;
            default:
                err.println("jmesh: unknown command '" + args[0] + "'");
                usage(err);
                return USAGE;
        }
    }

    private static void usage(PrintStream out) {
        out.println("usage: java -jar jmesh-agent.jar COMMAND");
        out.println();
        out.println("  check FILE                 validate a policy file; errors name line and column");
        out.println("  attach PID [config=PATH]   load the agent into a running JVM");
        out.println("  status [ADMIN_PORT]        services, endpoints, health and latency of a running agent");
        out.println("  ca init DIR                a certificate authority for a trust domain ('ca' for options)");
        out.println("  ca issue DIR WORKLOAD      a workload certificate, key and trust bundle from it");
        out.println("  jwt keys DIR               a token signing key and its key set ('jwt' for options)");
        out.println("  jwt sign KEY --iss ISSUER  a token signed with it, to try inbound.jwt and authorization");
        out.println("  version                    print the agent version");
        out.println();
        out.println("as an agent: java -javaagent:jmesh-agent.jar=config=mesh.yaml -jar app.jar");
    }
}
