package dev.jmesh.it;

import java.nio.file.Path;

/**
 * A trust domain made the way a user makes one, with {@code java -jar jmesh-agent.jar ca init}
 * and {@code ca issue}; workload identities land in directories of their own.
 */
final class TrustDomain {

    static final String NAME = "example.org";

    private final Path dir;
    private final Path ca;

    private TrustDomain(Path dir, Path ca) {
        this.dir = dir;
        this.ca = ca;
    }

    static TrustDomain create(Path dir, String caName) throws Exception {
        Path ca = dir.resolve(caName);
        run("ca", "init", ca.toString(), "--trust-domain", NAME);
        return new TrustDomain(dir, ca);
    }

    /** Issues {@code workload}'s certificate, valid for {@code days} (0: already expired), into a directory of its own. */
    Path issue(String workload, String dirName, int days) throws Exception {
        Path out = dir.resolve(dirName);
        run("ca", "issue", ca.toString(), workload, "--days", Integer.toString(days), "--out", out.toString());
        return out;
    }

    Path issue(String workload) throws Exception {
        return issue(workload, ca.getFileName() + "-" + workload, 30);
    }

    static String id(String workload) {
        return "spiffe://" + NAME + "/ns/default/sa/" + workload;
    }

    /** The policy's {@code identity:} for the files in {@code identityDir}. */
    static String identityYaml(Path identityDir) {
        return "identity: { trustDomain: " + NAME + ", certificate: \"" + identityDir.resolve("cert.pem")
                + "\", key: \"" + identityDir.resolve("key.pem") + "\", trustBundle: \"" + identityDir.resolve("bundle.pem")
                + "\" }\n";
    }

    private static void run(String... args) throws Exception {
        try (AppJvm cli = AppJvm.on(Jdk.JDK17).runAgentCli(args)) {
            AppJvm.Result result = cli.await();
            if (result.exitCode() != 0) {
                throw new AssertionError("jmesh-agent.jar " + String.join(" ", args) + ": " + result);
            }
        }
    }
}
