package dev.jmesh.agent.inbound;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;

/**
 * An accepted connection whose first bytes were already read (permissive mode looks at the
 * first one to tell TLS from plaintext) and are read again before the rest. A TLS provider
 * layers its socket over it with the standard {@code createSocket(Socket, host, port, autoClose)},
 * so Conscrypt, which lacks the JDK's replaying variant, terminates permissive callers too.
 */
final class ReplayingSocket extends Socket {

    private final Socket accepted;
    private final InputStream in;

    ReplayingSocket(Socket accepted, InputStream consumed) throws IOException {
        this.accepted = accepted;
        this.in = new SequenceInputStream(consumed, accepted.getInputStream());
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return accepted.getOutputStream();
    }

    @Override
    public void close() throws IOException {
        accepted.close();
    }

    @Override
    public void shutdownInput() throws IOException {
        accepted.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        accepted.shutdownOutput();
    }

    @Override
    public boolean isConnected() {
        return accepted.isConnected();
    }

    @Override
    public boolean isBound() {
        return accepted.isBound();
    }

    @Override
    public boolean isClosed() {
        return accepted.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        return accepted.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return accepted.isOutputShutdown();
    }

    @Override
    public InetAddress getInetAddress() {
        return accepted.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return accepted.getLocalAddress();
    }

    @Override
    public int getPort() {
        return accepted.getPort();
    }

    @Override
    public int getLocalPort() {
        return accepted.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return accepted.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return accepted.getLocalSocketAddress();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        accepted.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return accepted.getSoTimeout();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        accepted.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return accepted.getTcpNoDelay();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        accepted.setKeepAlive(on);
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        accepted.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return accepted.getSoLinger();
    }
}
