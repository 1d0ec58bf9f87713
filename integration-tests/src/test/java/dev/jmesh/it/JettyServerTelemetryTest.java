package dev.jmesh.it;

/** Jetty 12's core server, from its own jars on the application's class path. */
class JettyServerTelemetryTest extends ServedRequestsConformance {

    @Override
    String server() {
        return "jetty";
    }

    @Override
    String classPath() {
        return AppJvm.classPath("jetty-server");
    }
}
