package io.github.realtimepatterns.core.broker;

import io.github.realtimepatterns.core.BrokerException;
import io.github.realtimepatterns.core.Channels;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.change.ChangeListener;
import io.github.realtimepatterns.core.change.ListenerRegistry;
import io.github.realtimepatterns.core.change.Subscription;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A {@link Broker} over Redis Pub/Sub, for many nodes sharing one Redis.
 *
 * <p>How it works:
 * <ul>
 *   <li>{@link #publish} sends one {@code PUBLISH <keyPrefix><channel> <message JSON>} on a pooled
 *       connection with short timeouts, so it fails fast with {@link BrokerException} while Redis is down.</li>
 *   <li>One subscriber connection per broker, read by its own daemon thread. Channels are subscribed while
 *       they have local listeners (the first listener sends SUBSCRIBE, the last one's close sends
 *       UNSUBSCRIBE). {@link #subscribe} and {@link Subscription#close()} only record the interest and wake
 *       a control thread, which is the only writer to the subscriber connection: they never wait for Redis.</li>
 *   <li>Each SUBSCRIBE confirmation calls {@link ChangeListener#onResync()} on the channel's listeners, so
 *       they re-read the store for what was published before the subscription was live.</li>
 *   <li>On connection loss (an error, a read timeout, or a PING on the subscribed connection not answered
 *       within two ping intervals, as with a frozen Redis) the connection is closed and re-opened with capped
 *       exponential backoff and jitter; every channel with listeners is subscribed again, and each
 *       confirmation calls {@code onResync()}.</li>
 *   <li>A listener that throws is logged and stays subscribed. A notification that is not a message object is
 *       logged and ignored.</li>
 * </ul>
 *
 * <p>Listener calls come on the subscriber thread, one at a time: they must return quickly.
 *
 * <p>Where it connects: a URL ({@code redis://} or, over TLS, {@code rediss://}: {@link #builder(String)}),
 * or the application's address and {@link JedisClientConfig} ({@link #builder(HostAndPort,
 * JedisClientConfig)}: its TLS settings, ACL user, password, database and client name). Publishes go
 * through a small pool of the broker's own, or through the application's client ({@link
 * Builder#publishClient(UnifiedJedis)}); the subscriber always has a connection of its own, since Pub/Sub
 * holds one for as long as it is subscribed.
 *
 * <p>{@link Builder#build()} checks that Redis answers PING and throws {@link BrokerException} naming the
 * URL when it does not, so a standalone server fails fast on a wrong {@code REDIS_URL}. Later outages are
 * survived by reconnecting. Thread-safe; {@link #close()} is idempotent and returns within about a second.
 */
public final class RedisBroker implements Broker {

    private static final System.Logger LOG = System.getLogger(RedisBroker.class.getName());

    /** Subscribed on every connection so the connection stays in subscribed mode (pings work) with no listeners. */
    private static final String CONTROL_SUFFIX = "#control";

    private final URI uri;
    private final HostAndPort address;
    private final String keyPrefix;
    private final String controlChannel;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final long pingIntervalNanos;
    private final JedisClientConfig subscriberConfig;
    private final JedisPool pool; // null when publishing through the application's client
    private final UnifiedJedis publishClient; // the application's, never closed here; or null
    private final Thread subscriberThread;
    private final ScheduledExecutorService control;
    private final ListenerRegistry<Void> listeners = ListenerRegistry.of(RedisBroker.class, channel -> requestReconcile());
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean reconcileQueued = new AtomicBoolean();
    private final Object backoffLock = new Object();
    private final LongAdder published = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private volatile Session session;

    private RedisBroker(Builder b) {
        this.address = b.address;
        this.uri = b.uri != null ? b.uri
                : URI.create((b.config.isSsl() ? "rediss" : "redis") + "://" + address.getHost() + ":" + address.getPort());
        this.keyPrefix = b.keyPrefix;
        this.controlChannel = b.keyPrefix + CONTROL_SUFFIX;
        this.minBackoff = b.minBackoff;
        this.maxBackoff = b.maxBackoff;
        this.pingIntervalNanos = b.pingInterval.toNanos();
        int connectMillis = Math.toIntExact(b.connectTimeout.toMillis());
        // The read timeout of the subscriber connection is longer than the ping deadline: pongs keep it
        // alive, and it is the last resort if the control thread itself is stuck.
        int readMillis = Math.toIntExact(Math.max(b.pingInterval.toMillis() * 3, connectMillis));
        // The application's config (TLS, credentials, database, name) with the broker's timeouts, which its
        // failure detection relies on; or the URL's.
        DefaultJedisClientConfig.Builder base = b.config != null ? DefaultJedisClientConfig.builder().from(b.config)
                : DefaultJedisClientConfig.builder();
        base.connectionTimeoutMillis(connectMillis).socketTimeoutMillis(connectMillis);
        if (b.config == null || b.config.getClientName() == null) {
            base.clientName("realtime-patterns");
        }
        if (b.config == null) {
            applyCredentials(base, b.uri);
            if ("rediss".equals(b.uri.getScheme())) {
                SSLParameters verifyHost = new SSLParameters();
                verifyHost.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
                base.ssl(true).sslParameters(verifyHost);
                if (b.sslSocketFactory != null) {
                    base.sslSocketFactory(b.sslSocketFactory);
                }
            }
        }
        JedisClientConfig publisherConfig = base.build();
        // RESP2 on the subscriber: Jedis 8 matches a RESP3 "+PONG" to a handler it queues only after the
        // PING is flushed, so a fast reply can arrive first and break the connection ("Unexpected message :
        // PONG"); a RESP2 subscriber gets ["pong", ""] instead, which Jedis hands to onPong directly.
        this.subscriberConfig = DefaultJedisClientConfig.builder().from(publisherConfig)
                .resp2()
                .blockingSocketTimeoutMillis(readMillis).build();

        checkReachable(publisherConfig);

        this.publishClient = b.publishClient;
        if (publishClient == null) {
            GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
            poolConfig.setMaxTotal(b.poolSize);
            poolConfig.setMaxIdle(b.poolSize);
            poolConfig.setMaxWait(b.connectTimeout); // never queue a publish behind a dead Redis for long
            poolConfig.setJmxEnabled(false);
            this.pool = new JedisPool(poolConfig, address, publisherConfig);
        } else {
            this.pool = null;
            try {
                publishClient.ping();
            } catch (JedisException e) {
                throw new BrokerException("the publish client cannot reach Redis (the broker's address is "
                        + safeUrl() + "): " + e.getMessage(), e);
            }
        }

        this.control = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "rp-redis-control"));
        long pingMillis = b.pingInterval.toMillis();
        control.scheduleWithFixedDelay(this::tick, pingMillis, pingMillis, TimeUnit.MILLISECONDS);
        this.subscriberThread = daemon(this::subscriberLoop, "rp-redis-subscriber");
        subscriberThread.start();
    }

    /**
     * A builder for a broker on the Redis at {@code redisUrl}: {@code redis://host:port}, or {@code
     * rediss://host:port} for TLS (the certificate must be trusted by the JVM, or by {@link
     * Builder#sslSocketFactory}, and name the host); optional {@code user:password@} and {@code /database}.
     *
     * @param redisUrl the Redis URL, {@code redis://} or {@code rediss://}
     * @return a builder for a broker on the Redis at {@code redisUrl}: {@code redis://host:port}, or {@code
     *         rediss://host:port} for TLS (the certificate must be trusted by the JVM, or by {@link
     *         Builder#sslSocketFactory}, and name the host); optional {@code user:password@} and {@code /database}
     */
    public static Builder builder(URI redisUrl) {
        return new Builder(redisUrl);
    }

    /**
     * A builder for a broker on the Redis at {@code redisUrl}, e.g. {@code "redis://127.0.0.1:6379"}; see {@link #builder(URI)}.
     *
     * @param redisUrl the Redis URL, {@code redis://} or {@code rediss://}
     * @return a builder for a broker on the Redis at {@code redisUrl}, e.g
     */
    public static Builder builder(String redisUrl) {
        Objects.requireNonNull(redisUrl, "redisUrl");
        try {
            return new Builder(URI.create(redisUrl));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redisUrl is not a URI: " + redisUrl, e);
        }
    }

    /**
     * A builder for a broker on the Redis at {@code address}, connecting with the application's {@code
     * config}: its TLS settings ({@code ssl}, socket factory, parameters, hostname verifier), credentials,
     * database and client name. The broker's own {@link Builder#connectTimeout} replaces the config's
     * timeouts, and its subscriber connection speaks RESP2 (Pub/Sub pings are reliable there).
     *
     * @param address the Redis host and port
     * @param config the configuration
     * @return a builder for a broker on the Redis at {@code address}, connecting with the application's {@code
     *         config}: its TLS settings ({@code ssl}, socket factory, parameters, hostname verifier), credentials,
     *         database and client name
     */
    public static Builder builder(HostAndPort address, JedisClientConfig config) {
        return new Builder(address, config);
    }

    /**
     * Sends one PUBLISH of the message's JSON to {@code keyPrefix + message.channel()}.
     *
     * @throws BrokerException within about {@code connectTimeout} (twice at most) when Redis cannot be
     *         reached or the broker is closed; the failure is counted in {@link #failedPublishes()}
     */
    @Override
    public void publish(Message message) {
        Objects.requireNonNull(message, "message");
        if (closed.get()) {
            failed.increment();
            throw new BrokerException("cannot publish " + message.channel() + "#" + message.id()
                    + ": the broker for " + describe() + " is closed");
        }
        String payload = WireJson.message(message);
        String redisChannel = keyPrefix + message.channel();
        long start = System.nanoTime();
        try {
            publishOnce(redisChannel, payload);
        } catch (JedisException first) {
            // After a Redis restart the pool holds connections to the old process: drop them and try once
            // more, unless the first try already used the time budget (a frozen or unreachable Redis).
            if (pool != null) {
                pool.clear();
            }
            if (System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(100) || closed.get()) {
                throw publishFailed(message, first);
            }
            try {
                publishOnce(redisChannel, payload);
            } catch (JedisException second) {
                second.addSuppressed(first);
                throw publishFailed(message, second);
            } catch (IllegalStateException second) {
                throw publishFailed(message, second);
            }
        } catch (IllegalStateException closedPool) {
            throw publishFailed(message, closedPool);
        }
        published.increment();
    }

    private void publishOnce(String redisChannel, String payload) {
        if (publishClient != null) {
            publishClient.publish(redisChannel, payload);
            return;
        }
        try (Jedis jedis = pool.getResource()) {
            jedis.publish(redisChannel, payload);
        }
    }

    private BrokerException publishFailed(Message message, Exception cause) {
        failed.increment();
        return new BrokerException("could not publish " + message.channel() + "#" + message.id() + " to "
                + describe() + ": " + cause.getMessage(), cause);
    }

    /**
     * Adds {@code listener} to {@code channel}. Returns at once: the SUBSCRIBE (if this is the channel's first
     * listener) is sent by the broker's control thread, and its confirmation calls {@code onResync()}.
     *
     * @throws IllegalStateException when the broker is closed
     */
    @Override
    public Subscription subscribe(String channel, ChangeListener listener) {
        Channels.validate(channel);
        Objects.requireNonNull(listener, "listener");
        if (closed.get()) {
            throw new IllegalStateException("broker for " + describe() + " is closed");
        }
        // The channel's first listener wakes the control thread (interest callback), which sends SUBSCRIBE.
        return listeners.add(channel, listener);
    }

    /** Whether the subscriber connection is up and its subscription confirmed. */
    @Override
    public boolean isHealthy() {
        Session s = session;
        return !closed.get() && s != null && s.live;
    }

    /** {@code "Redis at host:port"}, plus {@code " over TLS"} for {@code rediss://}. */
    @Override
    public String describe() {
        return "Redis at " + address.getHost() + ":" + address.getPort() + (subscriberConfig.isSsl() ? " over TLS" : "");
    }

    @Override
    public long failedPublishes() {
        return failed.sum();
    }

    /**
     * Successful PUBLISH commands since start.
     *
     * @return successful PUBLISH commands since start
     */
    public long publishCount() {
        return published.sum();
    }

    /**
     * Notifications received from Redis and handed to listeners (once per notification), since start.
     *
     * @return notifications received from Redis and handed to listeners (once per notification), since start
     */
    public long receivedCount() {
        return received.sum();
    }

    /**
     * Times the subscriber connection was re-established after it was lost, since start.
     *
     * @return times the subscriber connection was re-established after it was lost, since start
     */
    public long reconnectCount() {
        return reconnects.sum();
    }

    /**
     * Channels with at least one local listener now.
     *
     * @return channels with at least one local listener now
     */
    public int channelCount() {
        return listeners.channelCount();
    }

    /**
     * The Redis URL this broker was built with; for an address and config, {@code redis[s]://host:port}.
     *
     * @return the Redis URL this broker was built with; for an address and config, {@code redis[s]://host:port}
     */
    public URI uri() {
        return uri;
    }

    /** Stops the subscriber and control threads, closes the subscriber connection and the pool; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        listeners.close();
        control.shutdownNow();
        Session s = session;
        if (s != null) {
            s.kill(); // closing the socket ends the blocking read at once; a graceful UNSUBSCRIBE could hang
        }
        synchronized (backoffLock) {
            backoffLock.notifyAll();
        }
        subscriberThread.interrupt();
        try {
            subscriberThread.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pool != null) {
            try {
                pool.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the publish pool of " + describe() + " failed", e);
            }
        }
    }

    // ---------------------------------------------------------------- subscriber thread

    private void subscriberLoop() {
        int failures = 0;
        boolean everConnected = false;
        while (!closed.get()) {
            Session s = new Session(everConnected);
            try {
                s.connection = new Connection(s.socketFactory(), subscriberConfig);
                s.connection.connect();
                session = s;
                if (closed.get()) {
                    break;
                }
                everConnected = true;
                s.pubSub.proceed(s.connection, controlChannel); // returns only when unsubscribed from all
            } catch (JedisException | IllegalStateException e) {
                if (!closed.get()) {
                    LOG.log(System.Logger.Level.WARNING, "subscriber connection to " + describe() + " lost ("
                            + e.getMessage() + "); reconnecting");
                    LOG.log(System.Logger.Level.DEBUG, "subscriber connection failure", e);
                }
            } finally {
                s.live = false;
                s.kill();
            }
            if (closed.get()) {
                break;
            }
            failures = s.confirmed ? 1 : failures + 1;
            sleepBackoff(failures);
        }
        session = null;
    }

    private void sleepBackoff(int failures) {
        long min = minBackoff.toMillis();
        long max = maxBackoff.toMillis();
        long cap = min << Math.min(failures - 1, 20);
        long ceiling = Math.min(max, Math.max(min, cap));
        // Full jitter above the minimum: many nodes reconnecting after one Redis restart do not stampede.
        long delay = min + ThreadLocalRandom.current().nextLong(Math.max(1, ceiling - min + 1));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
        synchronized (backoffLock) {
            long left;
            while (!closed.get() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(backoffLock, left);
                } catch (InterruptedException e) {
                    // Only close() interrupts this thread (the loop re-checks closed); the flag is not kept
                    // so the next blocking call does not fail at once.
                    return;
                }
            }
        }
    }

    private void dispatch(String redisChannel, String payload) {
        if (!redisChannel.startsWith(keyPrefix)) {
            return;
        }
        String channel = redisChannel.substring(keyPrefix.length());
        if (!listeners.isListened(channel)) {
            return; // an UNSUBSCRIBE is on its way
        }
        Message message;
        try {
            message = WireJson.parseMessage(payload);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring a notification on " + redisChannel + " from "
                    + describe() + " that is not a message: " + e.getMessage());
            return;
        }
        if (!message.channel().equals(channel)) {
            LOG.log(System.Logger.Level.WARNING, "ignoring a notification on " + redisChannel
                    + " for another channel: " + message.channel());
            return;
        }
        received.increment();
        listeners.deliver(channel, message); // never throws: a listener's failure would break the connection
    }

    // ---------------------------------------------------------------- control thread

    private void requestReconcile() {
        if (reconcileQueued.compareAndSet(false, true)) {
            try {
                control.execute(this::reconcile);
            } catch (RejectedExecutionException e) {
                reconcileQueued.set(false); // closed meanwhile: nothing to subscribe
            }
        }
    }

    /** Sends SUBSCRIBE / UNSUBSCRIBE so the live connection's channels match local interest. */
    private void reconcile() {
        reconcileQueued.set(false);
        Session s = session;
        if (s == null || !s.live || closed.get()) {
            return; // the next confirmed connection reconciles
        }
        List<String> toSubscribe = new ArrayList<>();
        List<String> toUnsubscribe = new ArrayList<>();
        Set<String> wanted = listeners.channels();
        for (String channel : wanted) {
            if (s.requested.add(channel)) {
                toSubscribe.add(keyPrefix + channel);
            }
        }
        for (String channel : List.copyOf(s.requested)) {
            if (!wanted.contains(channel)) {
                s.requested.remove(channel);
                toUnsubscribe.add(keyPrefix + channel);
            }
        }
        try {
            if (!toSubscribe.isEmpty()) {
                s.pubSub.subscribe(toSubscribe.toArray(String[]::new));
            }
            if (!toUnsubscribe.isEmpty()) {
                s.pubSub.unsubscribe(toUnsubscribe.toArray(String[]::new));
            }
        } catch (JedisException e) {
            LOG.log(System.Logger.Level.WARNING, "could not (un)subscribe on " + describe() + " ("
                    + e.getMessage() + "); reconnecting");
            s.kill();
        }
    }

    /** Every ping interval: check the last ping was answered in time, send the next, re-check interest. */
    private void tick() {
        try {
            Session s = session;
            if (s == null || !s.live || closed.get()) {
                return;
            }
            long now = System.nanoTime();
            long sent = s.pingSentAt;
            if (sent != 0 && now - sent > 2 * pingIntervalNanos) {
                LOG.log(System.Logger.Level.WARNING, "no PONG from " + describe() + " within "
                        + Duration.ofNanos(2 * pingIntervalNanos).toMillis() + " ms; reconnecting");
                s.kill();
                return;
            }
            if (sent == 0) {
                s.pingSentAt = now;
                s.pubSub.ping();
            }
            reconcile();
        } catch (JedisException e) {
            LOG.log(System.Logger.Level.WARNING, "ping on " + describe() + " failed (" + e.getMessage()
                    + "); reconnecting");
            Session s = session;
            if (s != null) {
                s.kill();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "control tick of " + describe() + " failed", e);
        }
    }

    // ---------------------------------------------------------------- plumbing

    private void checkReachable(JedisClientConfig config) {
        try (Jedis jedis = new Jedis(address, config)) {
            jedis.ping();
        } catch (JedisException e) {
            throw new BrokerException("cannot reach Redis at " + safeUrl() + ": " + e.getMessage(), e);
        }
    }

    private String safeUrl() {
        return uri.getScheme() + "://" + address.getHost() + ":" + address.getPort();
    }

    private static void applyCredentials(DefaultJedisClientConfig.Builder config, URI uri) {
        String userInfo = uri.getUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                config.password(userInfo);
            } else {
                if (colon > 0) {
                    config.user(userInfo.substring(0, colon));
                }
                config.password(userInfo.substring(colon + 1));
            }
        }
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                config.database(Integer.parseInt(path.substring(1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("redisUrl database must be a number but was " + path, e);
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** One subscriber connection and what was asked of it. */
    private final class Session {
        final boolean reconnect;
        final PubSub pubSub = new PubSub(this);
        final Set<String> requested = ConcurrentHashMap.newKeySet(); // touched by the control thread
        volatile Connection connection;
        volatile Socket socket;
        volatile boolean live;
        volatile boolean confirmed;
        volatile long pingSentAt; // System.nanoTime() of the unanswered ping, 0 when none

        Session(boolean reconnect) {
            this.reconnect = reconnect;
        }

        JedisSocketFactory socketFactory() {
            DefaultJedisSocketFactory delegate = new DefaultJedisSocketFactory(address, subscriberConfig);
            return () -> {
                Socket created = delegate.createSocket();
                socket = created;
                return created;
            };
        }

        /** Closes the socket directly: unlike a Jedis disconnect it never flushes, so it never blocks. */
        void kill() {
            live = false;
            Socket s = socket;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "closing the subscriber socket failed: " + e.getMessage());
                }
            }
        }
    }

    /** Jedis callbacks for one session; all run on the subscriber thread. */
    private final class PubSub extends JedisPubSub {
        private final Session owner;

        PubSub(Session owner) {
            this.owner = owner;
        }

        @Override
        public void onSubscribe(String redisChannel, int subscribedChannels) {
            if (redisChannel.equals(controlChannel)) {
                owner.confirmed = true;
                owner.live = true;
                if (owner.reconnect) {
                    reconnects.increment();
                    LOG.log(System.Logger.Level.INFO, "subscriber reconnected to " + describe()
                            + "; resubscribing " + listeners.channelCount() + " channels");
                }
                requestReconcile();
            } else if (redisChannel.startsWith(keyPrefix)) {
                // The subscription is live from here on: whatever was published before it is in the store.
                listeners.resync(redisChannel.substring(keyPrefix.length()));
            }
        }

        @Override
        public void onMessage(String redisChannel, String payload) {
            dispatch(redisChannel, payload);
        }

        @Override
        public void onPong(String pattern) {
            owner.pingSentAt = 0;
        }
    }

    /** Settings of a {@link RedisBroker}; validated at once. */
    public static final class Builder {
        private final URI uri; // null when built from an address and config
        private final HostAndPort address;
        private final JedisClientConfig config; // the application's, or null for a URL
        private SSLSocketFactory sslSocketFactory;
        private UnifiedJedis publishClient;
        private String keyPrefix = "rp:";
        private Duration minBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private Duration pingInterval = Duration.ofSeconds(2);
        private Duration connectTimeout = Duration.ofMillis(500);
        private int poolSize = 16;

        private Builder(URI uri) {
            Objects.requireNonNull(uri, "redisUrl");
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
                throw new IllegalArgumentException("redisUrl must start with redis:// or rediss:// but was " + uri);
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("redisUrl must name a host but was " + uri);
            }
            this.uri = uri;
            this.address = new HostAndPort(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379);
            this.config = null;
        }

        private Builder(HostAndPort address, JedisClientConfig config) {
            this.uri = null;
            this.address = Objects.requireNonNull(address, "address");
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * The TLS socket factory of a {@code rediss://} URL, for a certificate the JVM's default trust store
         * does not know (a private CA). Default: the JVM's. The host name is verified against the
         * certificate either way.
         *
         * @param factory what builds the handler
         * @return this builder
         * @throws IllegalStateException when the broker was given a {@link JedisClientConfig}, which carries
         *         its own TLS settings, or a {@code redis://} URL
         */
        public Builder sslSocketFactory(SSLSocketFactory factory) {
            Objects.requireNonNull(factory, "sslSocketFactory");
            if (uri == null || !"rediss".equals(uri.getScheme())) {
                throw new IllegalStateException("sslSocketFactory is for a rediss:// URL; "
                        + (uri == null ? "set TLS on the JedisClientConfig instead" : "this one is " + uri.getScheme() + "://"));
            }
            this.sslSocketFactory = factory;
            return this;
        }

        /**
         * Publishes through the application's Jedis client ({@code RedisClient}, say: its pool, timeouts and
         * TLS) instead of a pool of the broker's own; the broker never closes it. It must reach the same
         * Redis as the broker's address. Publishes then fail as fast as that client's timeouts allow.
         *
         * @param client the application's client, not closed by the broker
         * @return this builder
         */
        public Builder publishClient(UnifiedJedis client) {
            this.publishClient = Objects.requireNonNull(client, "publishClient");
            return this;
        }

        /**
         * Prefix of every Redis channel name: the Redis channel is prefix + channel (default {@code "rp:"}).
         *
         * @param keyPrefix the prefix of every Redis channel name
         * @return this builder
         */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * Delay before reconnecting the subscriber: starts at {@code min}, doubles per failed attempt up to
         * {@code max}, with random jitter (default 100 ms .. 5 s).
         *
         * @param min the smallest value
         * @param max the largest value
         * @return this builder
         */
        public Builder reconnectBackoff(Duration min, Duration max) {
            positive("reconnectBackoff min", min);
            positive("reconnectBackoff max", max);
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("reconnectBackoff max must be >= min but was " + max + " < " + min);
            }
            this.minBackoff = min;
            this.maxBackoff = max;
            return this;
        }

        /**
         * How often the subscriber connection is probed with PING (default 2 s). A PONG missing for two
         * intervals counts as a dead connection (a frozen Redis gives no other sign); the socket read timeout
         * is three intervals.
         *
         * @param pingInterval the ping interval
         * @return this builder
         */
        public Builder pingInterval(Duration pingInterval) {
            positive("pingInterval", pingInterval);
            if (pingInterval.toMillis() < 10) {
                throw new IllegalArgumentException("pingInterval must be >= 10ms but was " + pingInterval);
            }
            this.pingInterval = pingInterval;
            return this;
        }

        /**
         * Timeout to connect, and for a PUBLISH's reply (default 500 ms): how long a publish may take while
         * Redis is unreachable before it throws.
         *
         * @param connectTimeout the timeout to connect and for a reply
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            positive("connectTimeout", connectTimeout);
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Most pooled connections for publishing (default 16).
         *
         * @param poolSize the pool size
         * @return this builder
         */
        public Builder poolSize(int poolSize) {
            if (poolSize < 1) {
                throw new IllegalArgumentException("poolSize must be >= 1 but was " + poolSize);
            }
            this.poolSize = poolSize;
            return this;
        }

        /**
         * The broker, started: checks that Redis answers PING, then starts the subscriber.
         *
         * @return the broker, started: checks that Redis answers PING, then starts the subscriber
         * @throws BrokerException naming the URL when Redis cannot be reached
         */
        public RedisBroker build() {
            return new RedisBroker(this);
        }

        private static void positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0 but was " + value);
            }
        }
    }
}
