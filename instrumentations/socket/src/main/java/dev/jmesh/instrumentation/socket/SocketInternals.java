package dev.jmesh.instrumentation.socket;

import dev.jmesh.bootstrap.ByteCount;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.List;

/**
 * The package-private parts of {@code java.net.Socket} and {@code SocketImpl} the driver uses,
 * through a lookup with private access to {@code java.net}. Two shapes exist: JDK 17–21 keep
 * the socket's state in booleans and install an accepted implementation with
 * {@code setImpl} + {@code postAccept}; later JDKs keep an int {@code state} and have
 * {@code setConnectedImpl}.
 */
final class SocketInternals {

    private static final int SOCKET_CREATED = 1; // JDK 22+: Socket.state bit for impl.create(true) done

    /** Options an application may set before connecting, beyond SO_TIMEOUT (copyOptionsTo's). */
    private static final List<SocketOption<?>> OPTIONS = List.of(StandardSocketOptions.SO_KEEPALIVE,
            StandardSocketOptions.SO_LINGER, StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF,
            StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.IP_TOS);

    private final VarHandle impl;
    private final VarHandle createdFlag; // boolean "created" (JDK 17–21) or int "state"
    private final MethodHandle newImpl;
    private final MethodHandle create;
    private final MethodHandle connect;
    private final MethodHandle close;
    private final MethodHandle copyTimeout;
    private final MethodHandle getOption;
    private final MethodHandle setOption;
    private final MethodHandle setConnectedImpl; // JDK 22+, else null
    private final MethodHandle setImpl;          // JDK 17–21, else null
    private final MethodHandle markConnected;    // postAccept() (JDK 17–21) or setConnected()
    private final MethodHandle newSocket;        // the protected Socket(SocketImpl)
    private final VarHandle inStream;            // the socket's streams, made on first use; null: not counted
    private final VarHandle outStream;

    private SocketInternals(MethodHandles.Lookup java) throws ReflectiveOperationException {
        impl = java.findVarHandle(Socket.class, "impl", SocketImpl.class);
        newImpl = java.findStatic(SocketImpl.class, "createPlatformSocketImpl",
                MethodType.methodType(SocketImpl.class, boolean.class));
        create = java.findVirtual(SocketImpl.class, "create", MethodType.methodType(void.class, boolean.class));
        connect = java.findVirtual(SocketImpl.class, "connect",
                MethodType.methodType(void.class, SocketAddress.class, int.class));
        close = java.findVirtual(SocketImpl.class, "close", MethodType.methodType(void.class));
        copyTimeout = java.findVirtual(SocketImpl.class, "copyOptionsTo",
                MethodType.methodType(void.class, SocketImpl.class));
        getOption = java.findVirtual(SocketImpl.class, "getOption",
                MethodType.methodType(Object.class, SocketOption.class));
        setOption = java.findVirtual(SocketImpl.class, "setOption",
                MethodType.methodType(void.class, SocketOption.class, Object.class));
        newSocket = java.findConstructor(Socket.class, MethodType.methodType(void.class, SocketImpl.class));
        VarHandle in;
        VarHandle out;
        try {
            in = java.findVarHandle(Socket.class, "in", InputStream.class);
            out = java.findVarHandle(Socket.class, "out", OutputStream.class);
        } catch (NoSuchFieldException otherJdk) {
            in = null;
            out = null;
        }
        inStream = in;
        outStream = out;
        MethodHandle connectedImpl;
        try {
            connectedImpl = java.findVirtual(Socket.class, "setConnectedImpl",
                    MethodType.methodType(void.class, SocketImpl.class));
        } catch (NoSuchMethodException olderJdk) {
            connectedImpl = null;
        }
        setConnectedImpl = connectedImpl;
        if (connectedImpl != null) {
            createdFlag = java.findVarHandle(Socket.class, "state", int.class);
            setImpl = null;
            markConnected = java.findVirtual(Socket.class, "setConnected", MethodType.methodType(void.class));
        } else {
            createdFlag = java.findVarHandle(Socket.class, "created", boolean.class);
            setImpl = java.findVirtual(Socket.class, "setImpl", MethodType.methodType(void.class, SocketImpl.class));
            markConnected = java.findVirtual(Socket.class, "postAccept", MethodType.methodType(void.class));
        }
    }

    /** @param java a lookup in {@code java.net.Socket} with private access */
    static SocketInternals from(MethodHandles.Lookup java) throws ReflectiveOperationException {
        return new SocketInternals(java);
    }

    SocketImpl impl(Socket socket) {
        return (SocketImpl) impl.getVolatile(socket);
    }

    /** Whether the socket's implementation has its OS socket (so options may have been set on it). */
    boolean created(Socket socket) {
        return setConnectedImpl != null
                ? ((int) createdFlag.getVolatile(socket) & SOCKET_CREATED) != 0
                : (boolean) createdFlag.getVolatile(socket);
    }

    SocketImpl newImpl() {
        try {
            return (SocketImpl) newImpl.invoke(false);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    void create(SocketImpl socketImpl) throws IOException {
        try {
            create.invoke(socketImpl, true);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    void connect(SocketImpl socketImpl, InetSocketAddress endpoint, int timeoutMillis) throws IOException {
        try {
            connect.invoke(socketImpl, (SocketAddress) endpoint, timeoutMillis);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    void closeQuietly(SocketImpl socketImpl) {
        try {
            close.invoke(socketImpl);
        } catch (Throwable t) {
            // the attempt failed already; its error is the one that matters
        }
    }

    /** Copies what the application set on the socket before connecting; options a platform lacks are skipped. */
    void copyOptions(SocketImpl from, SocketImpl to) {
        try {
            copyTimeout.invoke(from, to);
        } catch (Throwable t) {
            throw unchecked(t);
        }
        for (SocketOption<?> option : OPTIONS) {
            try {
                setOption.invoke(to, option, getOption.invoke(from, option));
            } catch (Throwable unsupported) {
                // not supported here: the fresh socket keeps its default
            }
        }
    }

    /** Makes the connected {@code fresh} the socket's implementation, as accept does. */
    void install(Socket socket, SocketImpl fresh, SocketImpl original, boolean originalCreated) throws IOException {
        try {
            if (setConnectedImpl != null) {
                setConnectedImpl.invoke(socket, fresh); // closes the original
            } else {
                setImpl.invoke(socket, fresh);
                markConnected.invoke(socket);
                if (originalCreated) {
                    closeQuietly(original);
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /**
     * Counts the bytes the application moves through a connected socket: its own streams, made
     * now, are wrapped in counting ones and put where the socket keeps them, so that every
     * {@code getInputStream()} and {@code getOutputStream()} after this returns those. What the
     * application reads is {@code sent} and what it writes {@code received}, as Envoy counts them.
     */
    void countBytes(Socket socket, ByteCount count) {
        if (count == null || inStream == null) {
            return;
        }
        try {
            InputStream in = socket.getInputStream();
            inStream.compareAndSet(socket, in, ByteCount.counting(in, count::sent));
            OutputStream out = socket.getOutputStream();
            outStream.compareAndSet(socket, out, ByteCount.counting(out, count::received));
        } catch (IOException | RuntimeException e) {
            // not counted: the connection is the application's all the same
        }
    }

    /** A plain socket of the mesh's own around a connected implementation, to layer TLS over. */
    Socket socketOver(SocketImpl connected) {
        try {
            Socket socket = (Socket) newSocket.invoke(connected);
            markConnected.invoke(socket);
            return socket;
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** The socket's own implementation connected: record it in the socket's state. */
    void markConnected(Socket socket) {
        try {
            markConnected.invoke(socket);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
