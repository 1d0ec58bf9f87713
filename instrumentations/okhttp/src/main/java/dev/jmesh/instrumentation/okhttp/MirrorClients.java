package dev.jmesh.instrumentation.okhttp;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * The client a mirror's copies are sent with: the application's client (its connection pool
 * and timeouts) without its own interceptors, on a dispatcher of its own. OkHttp offers no public way from a
 * call to its client: 4.x and 5.x have {@code RealCall.getClient()}, 3.x a {@code client} field.
 */
final class MirrorClients {

    private static final ClassValue<MethodHandle> CLIENT_OF = new ClientAccessor();
    private static final Map<OkHttpClient, OkHttpClient> WITHOUT_INTERCEPTORS = new WeakHashMap<>();
    /** As many as the mesh lets be in flight per service: a copy never waits behind another. */
    private static final int MAX_COPIES = 64;
    /**
     * The copies' own threads, apart from the application's dispatcher (whose per-host limit a
     * hanging mirror would otherwise fill), and daemon threads, which never keep a JVM alive.
     */
    private static final ExecutorService COPIES = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), new DaemonThreads());

    private MirrorClients() {}

    /** Names the copies' threads and makes them daemons. */
    static final class DaemonThreads implements ThreadFactory {
        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "jmesh-mirror");
            thread.setDaemon(true);
            return thread;
        }
    }

    /** Per call class, the handle that reads its client; null when there is none. */
    static final class ClientAccessor extends ClassValue<MethodHandle> {
        @Override
        protected MethodHandle computeValue(Class<?> callType) {
            try {
                return MethodHandles.publicLookup().findVirtual(callType, "getClient",
                        MethodType.methodType(OkHttpClient.class));
            } catch (ReflectiveOperationException notFour) {
                try {
                    java.lang.reflect.Field field = callType.getDeclaredField("client");
                    field.setAccessible(true);
                    return MethodHandles.lookup().unreflectGetter(field);
                } catch (ReflectiveOperationException | RuntimeException notThree) {
                    return null;
                }
            }
        }
    }

    /** The client for copies of {@code call}'s request, or null when this OkHttp does not show it. */
    static OkHttpClient of(Call call) {
        MethodHandle clientOf = CLIENT_OF.get(call.getClass());
        if (clientOf == null) {
            return null;
        }
        OkHttpClient client;
        try {
            client = (OkHttpClient) clientOf.invoke(call);
        } catch (Throwable t) {
            return null;
        }
        synchronized (WITHOUT_INTERCEPTORS) {
            OkHttpClient bare = WITHOUT_INTERCEPTORS.get(client);
            if (bare == null) {
                Dispatcher dispatcher = new Dispatcher(COPIES);
                dispatcher.setMaxRequests(MAX_COPIES);
                dispatcher.setMaxRequestsPerHost(MAX_COPIES);
                OkHttpClient.Builder builder = client.newBuilder().dispatcher(dispatcher);
                builder.interceptors().clear();
                bare = builder.build();
                WITHOUT_INTERCEPTORS.put(client, bare);
            }
            return bare;
        }
    }
}
