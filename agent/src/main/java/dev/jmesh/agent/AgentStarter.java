package dev.jmesh.agent;

import dev.jmesh.agent.accesslog.AccessLog;
import dev.jmesh.agent.admin.AdminServer;
import dev.jmesh.agent.control.ControlLink;
import dev.jmesh.agent.inbound.InboundCallers;
import dev.jmesh.agent.inbound.InboundPorts;
import dev.jmesh.agent.mesh.MeshRouter;
import dev.jmesh.agent.mesh.MeshSecurity;
import dev.jmesh.agent.mesh.RouteTable;
import dev.jmesh.agent.metrics.MeshMetrics;
import dev.jmesh.agent.metrics.PeerMetadata;
import dev.jmesh.agent.serving.Serving;
import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.agent.tooling.ClassDefiner;
import dev.jmesh.agent.tooling.Instrumenter;
import dev.jmesh.agent.tooling.WeaveCache;
import dev.jmesh.bootstrap.JdkHttpHooks;
import dev.jmesh.bootstrap.JdkHttpServerHooks;
import dev.jmesh.bootstrap.Mesh;
import dev.jmesh.bootstrap.SocketHooks;
import dev.jmesh.bootstrap.UrlConnectionHooks;
import dev.jmesh.instrumentation.apache4.ApacheHttpClient4Instrumentation;
import dev.jmesh.instrumentation.apache5.ApacheHttpClient5Instrumentation;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.jdkhttp.JdkHttpCallDriver;
import dev.jmesh.instrumentation.jdkhttp.JdkHttpClientInstrumentation;
import dev.jmesh.instrumentation.jdkhttpserver.JdkHttpServerInstrumentation;
import dev.jmesh.instrumentation.jdkhttpserver.JdkServerExchanges;
import dev.jmesh.instrumentation.jetty.JettyServerInstrumentation;
import dev.jmesh.instrumentation.netty.NettyResolverInstrumentation;
import dev.jmesh.instrumentation.netty.NettyTransportInstrumentation;
import dev.jmesh.instrumentation.nettyserver.NettyServerInstrumentation;
import dev.jmesh.instrumentation.okhttp.OkHttpInstrumentation;
import dev.jmesh.instrumentation.socket.PlatformSocketDriver;
import dev.jmesh.instrumentation.socket.SocketInstrumentation;
import dev.jmesh.instrumentation.tomcat.TomcatInstrumentation;
import dev.jmesh.instrumentation.urlconnection.HttpUrlConnectionDriver;
import dev.jmesh.instrumentation.urlconnection.UrlConnectionInstrumentation;
import dev.jmesh.policy.ConfigParser;
import dev.jmesh.policy.InboundConfig;
import dev.jmesh.policy.MeshConfig;
import dev.jmesh.policy.ParseResult;
import dev.jmesh.policy.Protocol;
import dev.jmesh.policy.ServiceConfig;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Loads the policy, installs the router and the instrumentations, and says so in one line. */
final class AgentStarter {

    static final String STARTED_PROPERTY = "jmesh.agent.version";

    /**
     * The clients' classes, and the servers' that report served requests, rewritten when they
     * load. Listed, not discovered: nothing scans the class path.
     */
    private static final List<MeshInstrumentation> LIBRARY_INSTRUMENTATIONS =
            List.of(new JdkHttpClientInstrumentation(), new UrlConnectionInstrumentation(), new OkHttpInstrumentation(),
                    new ApacheHttpClient5Instrumentation(), new ApacheHttpClient4Instrumentation(),
                    new NettyTransportInstrumentation(), new NettyResolverInstrumentation(), new UnroutedClients(),
                    new JdkHttpServerInstrumentation(), new JettyServerInstrumentation(), new TomcatInstrumentation(),
                    new NettyServerInstrumentation(), new UncountedServers());

    private AgentStarter() {}

    /** Off the main thread: the application's start does not wait for the admin endpoint. */
    private static void startAdmin(MeshConfig config, MeshRouter router, MeshMetrics metrics,
                                   Supplier<MeshConfig> policy, Supplier<String> source) {
        Thread starter = new Thread(() -> {
            try {
                AdminServer.start(config.admin(), router, metrics, policy, source, Version.get());
            } catch (Exception | LinkageError e) {
                AgentLog.line("admin endpoint not started on " + config.admin().bind() + ":" + config.admin().port()
                        + ": " + e.getMessage() + "; routing goes on");
            }
        }, "jmesh-admin-start");
        starter.setDaemon(true);
        starter.start();
    }

    /** Fail open: without a link, the file's policy routes on. */
    private static ControlLink startControlLink(MeshConfig config, MeshRouter router, MeshMetrics metrics,
                                                MeshSecurity security) {
        try {
            return ControlLink.start(config, router, metrics, security);
        } catch (RuntimeException | LinkageError e) {
            AgentLog.line("control link not started: " + e + "; the policy file routes on");
            return null;
        }
    }

    /**
     * The socket classes are loaded in every JVM before the agent starts, so instrumenting them
     * means rewriting them in premain: paid only by a policy that needs them (tcp services, mesh
     * TLS on sockets, an inbound port) or may receive such services from the control plane.
     */
    private static List<MeshInstrumentation> instrumentations(MeshConfig config) {
        boolean sockets = config.control() != null
                || (config.inbound() != null && config.inbound().mtls() != InboundConfig.Mtls.DISABLE);
        for (ServiceConfig service : config.services().values()) {
            sockets |= service.protocol() == Protocol.TCP || service.tls() != null;
        }
        if (!sockets) {
            return LIBRARY_INSTRUMENTATIONS;
        }
        List<MeshInstrumentation> all = new ArrayList<>(LIBRARY_INSTRUMENTATIONS);
        all.add(new SocketInstrumentation());
        return all;
    }

    private static WeaveCache weaveCache(AgentOptions options) {
        String build = Version.build();
        return options.weaveCache() == null || build == null ? WeaveCache.NONE
                : WeaveCache.open(options.weaveCache(), build, AgentLog::line);
    }

    static void start(AgentOptions options, Instrumentation instrumentation, ClassDefiner definer, boolean attached)
            throws Exception {
        long startNanos = System.nanoTime();
        if (options.configPath() == null) {
            AgentLog.line("no policy file (agent option config=, -D" + AgentOptions.CONFIG_PROPERTY
                    + " or " + AgentOptions.CONFIG_ENV + "); calls pass through unrouted");
            return;
        }
        ParseResult parsed = ConfigParser.parse(options.configPath());
        if (!parsed.ok()) {
            AgentLog.line("policy file rejected, calls pass through unrouted: " + parsed.errors().get(0)
                    + (parsed.errors().size() > 1 ? " (and " + (parsed.errors().size() - 1) + " more; run: java -jar jmesh-agent.jar check "
                    + options.configPath() + ")" : ""));
            return;
        }
        MeshConfig config = parsed.config();
        MeshMetrics metrics = new MeshMetrics(PeerMetadata.local(config, System.getenv()),
                PeerMetadata.localPrincipal(config));
        if (config.telemetry().accessLog() != null) {
            metrics.logTo(AccessLog.open(config.telemetry().accessLog()));
        }
        MeshSecurity security = MeshSecurity.load(config, instrumentation);
        InboundCallers callers = new InboundCallers();
        Serving serving = new Serving(metrics, callers, MeshClock.SYSTEM, config.admin() == null ? 0 : config.admin().port());
        InboundPorts inbound = InboundPorts.of(config, security, metrics.inbound(), callers, serving);
        MeshRouter router = new MeshRouter(RouteTable.initial(config, metrics, security, MeshClock.SYSTEM), inbound,
                serving);
        metrics.configApplied(1);
        JdkHttpHooks.install(new JdkHttpCallDriver(definer.privateAccess()));
        JdkHttpServerHooks.install(new JdkServerExchanges());
        UrlConnectionHooks.install(new HttpUrlConnectionDriver(definer.privateAccess()));
        SocketHooks.install(new PlatformSocketDriver(AgentLog::line, definer.privateAccess()));
        Mesh.install(router);
        Instrumenter.install(instrumentation, instrumentations(config), definer, weaveCache(options));
        String source = "from " + options.configPath();
        ControlLink link = config.control() == null ? null : startControlLink(config, router, metrics, security);
        GracefulShutdown.register(router, link, config.drainTime());
        if (config.admin() != null) {
            startAdmin(config, router, metrics, link == null ? () -> config : link::effective,
                    link == null ? () -> source : () -> source + "\n" + link.describe());
        }
        System.setProperty(STARTED_PROPERTY, Version.get());

        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        AgentLog.line(Version.get() + (attached ? " attached" : " started") + " in " + millis + " ms: "
                + config.services().size() + " service(s) " + config.services().keySet()
                + " from " + options.configPath()
                + (security.identity() == null ? "" : "; identity " + security.identity())
                + (config.control() == null ? "" : "; control link to " + config.control().servers())
                + (config.admin() == null ? "" : "; admin on " + config.admin().bind() + ":" + config.admin().port()));
    }
}
