package dev.jmesh.agent.cli;

import dev.jmesh.pki.CertificateAuthority;
import dev.jmesh.pki.IdentityException;
import dev.jmesh.pki.IdentityFiles;
import dev.jmesh.pki.IssuedIdentity;
import dev.jmesh.policy.SpiffeId;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;

/**
 * {@code ca init DIR} and {@code ca issue DIR WORKLOAD}: a trust domain's certificate authority
 * on one machine, and workload certificates from it in the layout the policy's
 * {@code identity:} names.
 */
final class CaCommand {

    static final String DEFAULT_TRUST_DOMAIN = "cluster.local";
    static final String DEFAULT_NAMESPACE = "default";
    static final int DEFAULT_DAYS = 30;

    private static final String USAGE = String.join("\n",
            "usage: java -jar jmesh-agent.jar ca init DIR [--trust-domain DOMAIN]",
            "       java -jar jmesh-agent.jar ca issue DIR WORKLOAD [--namespace NS] [--days N] [--out OUTDIR]",
            "",
            "  init    a new CA in DIR: ca.pem, ca-key.pem (0600); DIR made 0700; trust domain default "
                    + DEFAULT_TRUST_DOMAIN,
            "  issue   a certificate for spiffe://DOMAIN/ns/NS/sa/WORKLOAD into OUTDIR (default DIR/NS/WORKLOAD):",
            "          cert.pem (certificate + CA), key.pem (PKCS#8, 0600), bundle.pem (CA); valid "
                    + DEFAULT_DAYS + " days by default,",
            "          --days 0 or less issues one that has already expired (for tests)");

    private CaCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        return Subcommands.run("ca", USAGE, Map.of("init", CaCommand::init, "issue", CaCommand::issue), args, out, err);
    }

    private static int init(Arguments arguments, PrintStream out, PrintStream err) throws IOException {
        if (!arguments.check(1, Set.of("--trust-domain"), err)) {
            return Main.USAGE;
        }
        Path directory = Path.of(arguments.positional.get(0));
        String trustDomain = arguments.option("--trust-domain", DEFAULT_TRUST_DOMAIN);
        SpiffeId.trustDomainId(trustDomain); // validates, with the reason
        CertificateAuthority ca = CertificateAuthority.create(trustDomain, CertificateAuthority.DEFAULT_CA_VALIDITY);
        ca.save(directory);
        out.println("wrote " + directory.resolve(CertificateAuthority.CERTIFICATE_FILE) + " (CA certificate, "
                + SpiffeId.trustDomainId(trustDomain) + ", valid until " + ca.certificate().getNotAfter().toInstant() + ")");
        out.println("wrote " + directory.resolve(CertificateAuthority.KEY_FILE) + " (CA private key, owner-only)");
        return Main.OK;
    }

    private static int issue(Arguments arguments, PrintStream out, PrintStream err)
            throws IOException, IdentityException {
        if (!arguments.check(2, Set.of("--namespace", "--days", "--out"), err)) {
            return Main.USAGE;
        }
        Path directory = Path.of(arguments.positional.get(0));
        String workload = arguments.positional.get(1);
        String namespace = arguments.option("--namespace", DEFAULT_NAMESPACE);
        int days = (int) arguments.intOption("--days", DEFAULT_DAYS, "days");
        Path outDirectory = Path.of(arguments.option("--out",
                directory.resolve(namespace).resolve(workload).toString()));

        CertificateAuthority ca = CertificateAuthority.load(directory);
        SpiffeId id = SpiffeId.workload(ca.trustDomain(), namespace, workload);
        Instant now = Instant.now();
        // An expired certificate (days <= 0) ended a minute ago, or |days| days before that.
        Instant notAfter = days > 0 ? now.plus(Duration.ofDays(days)) : now.minus(Duration.ofDays(-days)).minusSeconds(60);
        Instant notBefore = days > 0 ? now.minus(Duration.ofMinutes(5)) : notAfter.minus(Duration.ofDays(1));
        IssuedIdentity issued = ca.issue(id, notBefore, notAfter);
        IdentityFiles files = issued.writeTo(outDirectory);
        out.println("issued " + id + ", valid until " + notAfter.truncatedTo(ChronoUnit.SECONDS)
                + (days > 0 ? "" : " (already expired)"));
        out.println("wrote " + files.certificate() + " (certificate chain: workload, CA)");
        out.println("wrote " + files.key() + " (private key, PKCS#8, owner-only)");
        out.println("wrote " + files.trustBundle() + " (trust bundle: CA)");
        return Main.OK;
    }
}
