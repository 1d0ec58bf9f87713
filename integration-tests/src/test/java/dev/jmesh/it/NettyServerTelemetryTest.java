package dev.jmesh.it;

/** A bare Netty 4.2 server ({@code HttpServerCodec} and the application's handler), HTTP/1.1. */
class NettyServerTelemetryTest extends ServedRequestsConformance {

    @Override
    String server() {
        return "netty";
    }

    @Override
    String classPath() {
        return AppJvm.classPath("netty");
    }
}
