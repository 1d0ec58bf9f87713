package dev.jmesh.control.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.jmesh.policy.RolloutConfig;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * {@code check DIR}: checks a config directory as a replica serving it would ({@link PolicyFile},
 * then the merge of the files and the rollouts against the services), printing every problem
 * with its file, line and column.
 */
final class CheckCommand {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private CheckCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 1 || args[0].startsWith("-")) {
            err.println("usage: java -jar jmesh-control.jar check DIR");
            return USAGE;
        }
        Path dir = Path.of(args[0]);
        if (!Files.isDirectory(dir)) {
            err.println("jmesh-control: config directory not found: " + dir);
            return FAILED;
        }
        List<Path> files;
        try {
            files = ConfigDirectory.files(dir);
        } catch (IOException e) {
            err.println("jmesh-control: cannot list " + dir + ": " + e.getMessage());
            return FAILED;
        }
        int errors = 0;
        Map<Path, Map<String, NodeTuple>> byFile = new LinkedHashMap<>();
        Map<Path, List<RolloutConfig>> rolloutsByFile = new LinkedHashMap<>();
        for (Path file : files) {
            PolicyFile.Checked checked = PolicyFile.read(file);
            checked.report().forEach(err::println);
            errors += checked.errors().size();
            byFile.put(file, checked.ok() ? checked.services() : Map.of());
            rolloutsByFile.put(file, checked.rollouts());
        }
        Map<String, NodeTuple> services = ConfigDirectory.merge(byFile, line -> err.println(line + " (warning)"));
        int[] refused = {0};
        List<RolloutConfig> rollouts = RolloutFit.accepted(rolloutsByFile, services, line -> {
            err.println(line);
            refused[0]++;
        });
        errors += refused[0];
        if (errors > 0) {
            err.println(dir + ": " + errors + " error(s)");
            return FAILED;
        }
        out.println(dir + ": OK, " + files.size() + " file(s), " + services.size() + " service(s) "
                + services.keySet() + (rollouts.isEmpty() ? "" : ", " + rollouts.size() + " rollout(s) "
                + rollouts.stream().map(RolloutConfig::service).toList()));
        return OK;
    }
}
