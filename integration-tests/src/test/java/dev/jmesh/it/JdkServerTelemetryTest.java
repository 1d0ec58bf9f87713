package dev.jmesh.it;

/** The JDK's {@code com.sun.net.httpserver.HttpServer}: nothing on the class path but the application. */
class JdkServerTelemetryTest extends ServedRequestsConformance {

    @Override
    String server() {
        return "jdk";
    }

    @Override
    String classPath() {
        return AppJvm.classPath();
    }
}
