package dev.jmesh.agent.cli;

import com.sun.tools.attach.VirtualMachine;
import java.io.File;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** {@code attach PID [config=PATH]}: loads this jar as an agent into a running JVM. */
final class AttachCommand {

    private AttachCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 1 || args.length > 2 || !args[0].matches("\\d+")
                || (args.length == 2 && !args[1].startsWith("config="))) {
            err.println("usage: java -jar jmesh-agent.jar attach PID [config=PATH]");
            return Main.USAGE;
        }
        String pid = args[0];
        // The target JVM has its own working directory: hand it an absolute path.
        String options = args.length == 2
                ? "config=" + Path.of(args[1].substring("config=".length())).toAbsolutePath()
                : "";
        try {
            File agentJar = agentJar();
            VirtualMachine vm = VirtualMachine.attach(pid);
            try {
                vm.loadAgent(agentJar.getAbsolutePath(), options);
            } finally {
                vm.detach();
            }
            out.println("jmesh: agent attached to " + pid + (options.isEmpty() ? "" : " with " + options)
                    + "; its output is on that process's standard error");
            return Main.OK;
        } catch (Exception | LinkageError e) {
            err.println("jmesh: cannot attach to " + pid + ": " + e.getMessage()
                    + (e instanceof NoClassDefFoundError ? " (attach needs a JDK, not a JRE: the jdk.attach module)" : ""));
            return Main.FAILED;
        }
    }

    private static File agentJar() throws URISyntaxException {
        File jar = new File(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!jar.isFile()) {
            throw new IllegalStateException("attach runs from jmesh-agent.jar, not from " + jar);
        }
        return jar;
    }
}
