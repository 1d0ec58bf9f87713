package dev.jmesh.agent.identity.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An initialised SSLContext whose sockets, server sockets, engines and default parameters all
 * carry a {@link ConnectionPolicy}, whoever uses it: HTTP clients take the default parameters
 * or the socket factory, servers the server socket factory or engines.
 */
final class PolicySslContext extends SSLContext {

    PolicySslContext(SSLContext delegate, ConnectionPolicy policy) {
        super(new Spi(delegate, policy), delegate.getProvider(), delegate.getProtocol());
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext delegate;
        private final ConnectionPolicy policy;

        Spi(SSLContext delegate, ConnectionPolicy policy) {
            this.delegate = delegate;
            this.policy = policy;
        }

        @Override
        protected void engineInit(KeyManager[] keyManagers, TrustManager[] trustManagers, SecureRandom random)
                throws KeyManagementException {
            throw new KeyManagementException("a jmesh SSLContext is initialised already");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return new PolicySocketFactory(delegate.getSocketFactory(), policy);
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return new PolicyServerSocketFactory(delegate.getServerSocketFactory(), policy);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return policy.applyTo(delegate.createSSLEngine());
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return policy.applyTo(delegate.createSSLEngine(host, port));
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return policy.applyTo(delegate.getDefaultSSLParameters());
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }
    }

    private static final class PolicySocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final ConnectionPolicy policy;

        PolicySocketFactory(SSLSocketFactory delegate, ConnectionPolicy policy) {
            this.delegate = delegate;
            this.policy = policy;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return policy.applyTo(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
            return policy.applyTo(delegate.createSocket(socket, host, port, autoClose));
        }

        @Override
        public Socket createSocket(Socket socket, InputStream consumed, boolean autoClose) throws IOException {
            return policy.applyTo(delegate.createSocket(socket, consumed, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return policy.applyTo(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return policy.applyTo(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return policy.applyTo(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return policy.applyTo(delegate.createSocket(address, port, localAddress, localPort));
        }
    }

    private static final class PolicyServerSocketFactory extends SSLServerSocketFactory {
        private final SSLServerSocketFactory delegate;
        private final ConnectionPolicy policy;

        PolicyServerSocketFactory(SSLServerSocketFactory delegate, ConnectionPolicy policy) {
            this.delegate = delegate;
            this.policy = policy;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public ServerSocket createServerSocket() throws IOException {
            return apply(delegate.createServerSocket());
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return apply(delegate.createServerSocket(port));
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            return apply(delegate.createServerSocket(port, backlog));
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
            return apply(delegate.createServerSocket(port, backlog, address));
        }

        private ServerSocket apply(ServerSocket socket) {
            return socket instanceof SSLServerSocket ssl ? policy.applyTo(ssl) : socket;
        }
    }
}
