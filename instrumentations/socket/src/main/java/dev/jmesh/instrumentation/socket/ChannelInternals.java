package dev.jmesh.instrumentation.socket;

import dev.jmesh.instrumentation.api.JdkPrivateAccess;
import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The private parts of the JDK's {@code sun.nio.ch.SocketChannelImpl} the driver uses to fail
 * a blocking channel connect over.
 *
 * <p>The JDK closes a channel whose connect failed, so each attempt connects a fresh channel.
 * The first that connects then trades sockets with the application's channel: the descriptor
 * number (in the {@code FileDescriptor} and in the channel's {@code fdVal}, which selectors
 * register), the state and both addresses change places, and the fresh channel, now holding
 * the application's unconnected socket, is closed. The application keeps its own channel
 * object, connected. JDK 17 to 25 have these fields; later JDKs' {@code forcedNonBlocking} (a
 * virtual thread's descriptor, switched to non-blocking; JDK 25 has it) travels with its
 * descriptor.
 */
final class ChannelInternals {

    private static final String IMPL = "sun.nio.ch.SocketChannelImpl";
    /** Linux reports a buffer size doubled (its bookkeeping overhead) and doubles what is set. */
    private static final boolean DOUBLED_BUFFERS = System.getProperty("os.name", "").startsWith("Linux");

    private final VarHandle fd;
    private final VarHandle fdNumber; // FileDescriptor.fd
    private final VarHandle fdVal;    // read only: final
    private final MethodHandle setFdVal;
    private final VarHandle state;
    private final VarHandle localAddress;
    private final VarHandle remoteAddress;
    private final VarHandle stateLock;
    private final VarHandle readLock;
    private final VarHandle writeLock;
    private final VarHandle family;
    private final VarHandle forcedNonBlocking; // later JDKs (25), else null
    private final MethodHandle blockingConnect;
    private final int unconnected;
    private final int connected;

    private ChannelInternals(Class<?> impl, JdkPrivateAccess access) throws ReflectiveOperationException {
        MethodHandles.Lookup nio = access.apply(impl);
        MethodHandles.Lookup io = access.apply(FileDescriptor.class);
        fd = nio.findVarHandle(impl, "fd", FileDescriptor.class);
        fdNumber = io.findVarHandle(FileDescriptor.class, "fd", int.class);
        fdVal = nio.findVarHandle(impl, "fdVal", int.class);
        setFdVal = access.finalFieldSetter(impl, "fdVal");
        state = nio.findVarHandle(impl, "state", int.class);
        localAddress = nio.findVarHandle(impl, "localAddress", SocketAddress.class);
        remoteAddress = nio.findVarHandle(impl, "remoteAddress", SocketAddress.class);
        stateLock = nio.findVarHandle(impl, "stateLock", Object.class);
        readLock = nio.findVarHandle(impl, "readLock", ReentrantLock.class);
        writeLock = nio.findVarHandle(impl, "writeLock", ReentrantLock.class);
        family = nio.findVarHandle(impl, "family", ProtocolFamily.class);
        VarHandle forced;
        try {
            forced = nio.findVarHandle(impl, "forcedNonBlocking", boolean.class);
        } catch (NoSuchFieldException olderJdk) {
            forced = null;
        }
        forcedNonBlocking = forced;
        blockingConnect = nio.findVirtual(impl, "blockingConnect",
                MethodType.methodType(void.class, SocketAddress.class, long.class));
        unconnected = (int) nio.findStaticVarHandle(impl, "ST_UNCONNECTED", int.class).get();
        connected = (int) nio.findStaticVarHandle(impl, "ST_CONNECTED", int.class).get();
    }

    static ChannelInternals from(JdkPrivateAccess access) throws ReflectiveOperationException {
        return new ChannelInternals(Class.forName(IMPL, false, null), access);
    }

    /** Takes the locks the JDK's own connect holds, so no other connect, read or write runs meanwhile. */
    void lock(SocketChannel channel) {
        ((ReentrantLock) readLock.get(channel)).lock();
        ((ReentrantLock) writeLock.get(channel)).lock();
    }

    void unlock(SocketChannel channel) {
        ((ReentrantLock) writeLock.get(channel)).unlock();
        ((ReentrantLock) readLock.get(channel)).unlock();
    }

    /** A new unconnected channel of {@code like}'s protocol family, with every option the application changed on it. */
    SocketChannel freshLike(SocketChannel like) throws IOException {
        SocketChannel fresh = SocketChannel.open((ProtocolFamily) family.get(like));
        try {
            for (SocketOption<?> option : like.supportedOptions()) {
                copyIfChanged(option, like, fresh);
            }
        } catch (IOException | RuntimeException e) {
            fresh.close();
            throw e;
        }
        return fresh;
    }

    private static <T> void copyIfChanged(SocketOption<T> option, SocketChannel from, SocketChannel to)
            throws IOException {
        T value;
        try {
            value = from.getOption(option);
            if (value == null || value.equals(to.getOption(option))) {
                return; // left at its default: copying a buffer size would also turn off the kernel's autotuning
            }
        } catch (UnsupportedOperationException | IOException unreadable) {
            return;
        }
        if (DOUBLED_BUFFERS && value instanceof Integer size
                && (option == StandardSocketOptions.SO_RCVBUF || option == StandardSocketOptions.SO_SNDBUF)) {
            @SuppressWarnings("unchecked")
            T asSet = (T) Integer.valueOf(size / 2);
            value = asSet;
        }
        try {
            to.setOption(option, value);
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException readOnly) {
            // an option that can only be read (SO_INCOMING_NAPI_ID) differs per socket by nature
        }
    }

    /** The JDK's blocking connect of {@code channel}, bounded by {@code timeoutNanos} (0 = none); it closes the channel when it fails. */
    void blockingConnect(SocketChannel channel, InetSocketAddress endpoint, long timeoutNanos) throws IOException {
        try {
            blockingConnect.invoke(channel, (SocketAddress) endpoint, timeoutNanos);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw SocketInternals.unchecked(t);
        }
    }

    /**
     * Gives {@code application} the socket {@code fresh} connected, and {@code fresh} the
     * application's unconnected one, to be closed.
     *
     * @return {@code false}, exchanging nothing, when the application's channel was closed meanwhile
     */
    boolean exchange(SocketChannel application, SocketChannel fresh) {
        synchronized (stateLock.get(application)) {
            if (!application.isOpen() || (int) state.getVolatile(application) != unconnected) {
                return false;
            }
            FileDescriptor applicationFd = (FileDescriptor) fd.get(application);
            FileDescriptor freshFd = (FileDescriptor) fd.get(fresh);
            int applicationNumber = (int) fdNumber.get(applicationFd);
            int freshNumber = (int) fdNumber.get(freshFd);
            fdNumber.set(applicationFd, freshNumber);
            fdNumber.set(freshFd, applicationNumber);
            setFdVal(application, (int) fdVal.get(fresh));
            setFdVal(fresh, applicationNumber);
            if (forcedNonBlocking != null) {
                boolean applicationForced = (boolean) forcedNonBlocking.getVolatile(application);
                forcedNonBlocking.setVolatile(application, (boolean) forcedNonBlocking.getVolatile(fresh));
                forcedNonBlocking.setVolatile(fresh, applicationForced);
            }
            Object applicationLocal = localAddress.get(application);
            localAddress.set(application, localAddress.get(fresh));
            remoteAddress.set(application, remoteAddress.get(fresh));
            localAddress.set(fresh, applicationLocal);
            remoteAddress.set(fresh, null);
            state.setVolatile(fresh, unconnected);
            state.setVolatile(application, connected);
            return true;
        }
    }

    private void setFdVal(SocketChannel channel, int value) {
        try {
            setFdVal.invoke((Object) channel, value);
        } catch (Throwable t) {
            throw SocketInternals.unchecked(t);
        }
    }
}
