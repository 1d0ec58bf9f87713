package dev.jmesh.agent.identity.tls;

import java.net.Socket;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** What every mesh connection gets: the allowed protocols and, on a server, a required client certificate. */
record ConnectionPolicy(String[] protocols, boolean requireClientCertificate) {

    SSLParameters applyTo(SSLParameters parameters) {
        parameters.setProtocols(protocols.clone());
        if (requireClientCertificate) {
            parameters.setNeedClientAuth(true);
        }
        return parameters;
    }

    <T extends Socket> T applyTo(T socket) {
        if (socket instanceof SSLSocket ssl) {
            ssl.setSSLParameters(applyTo(ssl.getSSLParameters()));
        }
        return socket;
    }

    SSLServerSocket applyTo(SSLServerSocket socket) {
        socket.setSSLParameters(applyTo(socket.getSSLParameters()));
        return socket;
    }

    SSLEngine applyTo(SSLEngine engine) {
        engine.setSSLParameters(applyTo(engine.getSSLParameters()));
        return engine;
    }
}
