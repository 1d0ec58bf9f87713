package dev.jmesh.instrumentation.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.util.Set;
import javax.net.ssl.SSLSocket;

/**
 * The implementation of an application's socket whose connection the mesh secured with
 * mutual TLS: reads and writes go through the TLS socket, options to the connection under it.
 * The application keeps its own {@code Socket} object and speaks plaintext to it.
 */
final class TlsSocketImpl extends SocketImpl {

    private final SSLSocket tls;

    TlsSocketImpl(SSLSocket tls, InetSocketAddress endpoint) {
        this.tls = tls;
        this.address = endpoint.getAddress();
        this.port = endpoint.getPort();
        this.localport = tls.getLocalPort();
    }

    @Override
    protected InputStream getInputStream() throws IOException {
        return tls.getInputStream();
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        return tls.getOutputStream();
    }

    @Override
    protected int available() throws IOException {
        return tls.getInputStream().available();
    }

    @Override
    protected void close() throws IOException {
        tls.close();
    }

    @Override
    protected void shutdownInput() throws IOException {
        tls.shutdownInput();
    }

    @Override
    protected void shutdownOutput() throws IOException {
        tls.shutdownOutput();
    }

    @Override
    public void setOption(int option, Object value) throws SocketException {
        switch (option) {
            case SocketOptions.SO_TIMEOUT -> tls.setSoTimeout((Integer) value);
            case SocketOptions.TCP_NODELAY -> tls.setTcpNoDelay((Boolean) value);
            case SocketOptions.SO_KEEPALIVE -> tls.setKeepAlive((Boolean) value);
            case SocketOptions.SO_RCVBUF -> tls.setReceiveBufferSize((Integer) value);
            case SocketOptions.SO_SNDBUF -> tls.setSendBufferSize((Integer) value);
            case SocketOptions.SO_REUSEADDR -> tls.setReuseAddress((Boolean) value);
            case SocketOptions.IP_TOS -> tls.setTrafficClass((Integer) value);
            case SocketOptions.SO_OOBINLINE -> tls.setOOBInline((Boolean) value);
            case SocketOptions.SO_LINGER -> {
                if (value instanceof Integer seconds) {
                    tls.setSoLinger(true, seconds);
                } else {
                    tls.setSoLinger(false, 0);
                }
            }
            default -> throw new SocketException("option " + option + " is not supported on a mesh TLS socket");
        }
    }

    @Override
    public Object getOption(int option) throws SocketException {
        return switch (option) {
            case SocketOptions.SO_TIMEOUT -> tls.getSoTimeout();
            case SocketOptions.TCP_NODELAY -> tls.getTcpNoDelay();
            case SocketOptions.SO_KEEPALIVE -> tls.getKeepAlive();
            case SocketOptions.SO_RCVBUF -> tls.getReceiveBufferSize();
            case SocketOptions.SO_SNDBUF -> tls.getSendBufferSize();
            case SocketOptions.SO_REUSEADDR -> tls.getReuseAddress();
            case SocketOptions.IP_TOS -> tls.getTrafficClass();
            case SocketOptions.SO_OOBINLINE -> tls.getOOBInline();
            case SocketOptions.SO_LINGER -> tls.getSoLinger() < 0 ? Boolean.FALSE : (Object) tls.getSoLinger();
            case SocketOptions.SO_BINDADDR -> tls.getLocalAddress();
            default -> throw new SocketException("option " + option + " is not supported on a mesh TLS socket");
        };
    }

    @Override
    protected <T> void setOption(SocketOption<T> name, T value) throws IOException {
        tls.setOption(name, value);
    }

    @Override
    protected <T> T getOption(SocketOption<T> name) throws IOException {
        return tls.getOption(name);
    }

    @Override
    protected Set<SocketOption<?>> supportedOptions() {
        return tls.supportedOptions();
    }

    // Already connected when installed: the rest of a SocketImpl's life cycle never happens.

    @Override
    protected void create(boolean stream) throws IOException {
        throw new SocketException("already created");
    }

    @Override
    protected void connect(String host, int port) throws IOException {
        throw new SocketException("already connected");
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
        throw new SocketException("already connected");
    }

    @Override
    protected void connect(SocketAddress address, int timeout) throws IOException {
        throw new SocketException("already connected");
    }

    @Override
    protected void bind(InetAddress host, int port) throws IOException {
        throw new SocketException("already bound");
    }

    @Override
    protected void listen(int backlog) throws IOException {
        throw new SocketException("not a server socket");
    }

    @Override
    protected void accept(SocketImpl s) throws IOException {
        throw new SocketException("not a server socket");
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw new SocketException("urgent data cannot be sent over TLS");
    }
}
