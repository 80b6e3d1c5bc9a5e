package io.github.realtimepatterns.longpollingbroker;

import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.broker.RedisBroker;
import io.github.realtimepatterns.core.change.ChangeSource;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.longpolling.LongPolling;
import io.github.realtimepatterns.longpolling.LongPollingHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Long-polling across many nodes: every node stores messages in one shared database (PostgreSQL, or an H2
 * server) and announces each one on Redis Pub/Sub; every node holds one Redis subscription and wakes its
 * own parked polls from it. The broker stores nothing: a lost notification costs latency, never data, and
 * any node can answer any cursor, so a load balancer needs no sticky sessions.
 *
 * <pre>{@code
 * MessageStore store = MessageStores.jdbc("jdbc:postgresql://db:5432/app?user=app");
 * RedisBroker redis = RedisBroker.builder("redis://redis:6379").build();
 * LongPollingBrokerHandler handler = LongPollingBroker.builder(store, redis)
 *         .timeout(Duration.ofSeconds(25))
 *         .build();
 * }</pre>
 *
 * <p>Or let the handler open (and close) both: {@code LongPollingBroker.builder(jdbcUrl, redisUrl).build()}.
 *
 * <p>Routes (relative to where the handler is mounted) are the long-polling ones: {@code GET
 * /channels/{c}/messages?after=ID&limit=N&epoch=E&wait=SECONDS}, {@code POST /channels/{c}/messages},
 * {@code GET /health}, {@code GET /metrics} (with the broker's counters), {@code GET
 * /realtime/long-polling-broker.js} (and {@code /realtime/long-polling.js}, which it imports).
 */
public final class LongPollingBroker {

    private LongPollingBroker() {
    }

    /**
     * A builder over a shared {@code store} and a {@code broker} (a {@link RedisBroker} for many nodes).
     * Neither is closed by the handler.
     *
     * @param store the message store (the truth)
     * @param broker where publishes are announced
     * @return a builder over a shared {@code store} and a {@code broker} (a {@link RedisBroker} for many nodes)
     */
    public static Builder builder(MessageStore store, Broker broker) {
        return new Builder(Objects.requireNonNull(store, "store"), Objects.requireNonNull(broker, "broker"),
                null, null, null);
    }

    /**
     * A builder over the shared {@code service} (built over the shared store with a {@link RedisBroker}
     * for many nodes): the way to mount this pattern beside other patterns on one server, so that a publish
     * through any of them wakes every pattern's subscribers at once. The handler does not close the
     * service; its broker, sweep interval and hub threads are the service's settings.
     *
     * @param service the service the handler runs over
     * @return a builder over the shared {@code service} (built over the shared store with a {@link RedisBroker} for
     *         many nodes): the way to mount this pattern beside other patterns on one server, so that a publish
     *         through any of them wakes every pattern's subscribers at once
     */
    public static Builder builder(RealtimeService service) {
        return new Builder(null, null, null, null, Objects.requireNonNull(service, "service"));
    }

    /**
     * A builder that opens the store at {@code jdbcUrl} ({@code jdbc:postgresql://...} or {@code
     * jdbc:h2:tcp://...}) and a {@link RedisBroker} at {@code redisUrl} when {@link Builder#build()} is
     * called; the handler closes both.
     *
     * @param jdbcUrl the JDBC URL of a database every node shares
     * @param redisUrl the Redis URL, {@code redis://} or {@code rediss://}
     * @return a builder that opens the store at {@code jdbcUrl} ({@code jdbc:postgresql://...} or {@code
     *         jdbc:h2:tcp://...}) and a {@link RedisBroker} at {@code redisUrl} when {@link Builder#build()} is
     *         called; the handler closes both
     */
    public static Builder builder(String jdbcUrl, String redisUrl) {
        return new Builder(null, null, sharedJdbcUrl("jdbcUrl", jdbcUrl), Objects.requireNonNull(redisUrl, "redisUrl"),
                null);
    }

    /**
     * Checks that {@code url} names a database several processes can share: not an in-process H2
     * ({@code jdbc:h2:mem:} or a file opened by one process).
     *
     * @throws IllegalArgumentException naming {@code name} when it does not
     */
    static String sharedJdbcUrl(String name, String url) {
        Objects.requireNonNull(url, name);
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException(name + " must be a JDBC URL (jdbc:postgresql://... or "
                    + "jdbc:h2:tcp://...) but was " + url);
        }
        if (url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:")) {
            throw new IllegalArgumentException(name + " must name a database that every node shares "
                    + "(jdbc:postgresql://... or an H2 server, jdbc:h2:tcp://...) but was " + url
                    + ", which only this process can see");
        }
        return url;
    }

    /** Optional knobs of a {@link LongPollingBrokerHandler}; validated at once; use once. */
    public static final class Builder {
        private final MessageStore store;
        private final Broker broker;
        private final String jdbcUrl;
        private final String redisUrl;
        private final RealtimeService service;
        private ChangeSource changeSource;
        private HttpSettings settings = HttpSettings.DEFAULTS;
        private Duration timeout = Duration.ofSeconds(25);
        private Duration maxTimeout = Duration.ofSeconds(60);
        private Duration sweepInterval = Duration.ofSeconds(10);
        private int hubThreads;

        private Builder(MessageStore store, Broker broker, String jdbcUrl, String redisUrl, RealtimeService service) {
            this.store = store;
            this.broker = broker;
            this.jdbcUrl = jdbcUrl;
            this.redisUrl = redisUrl;
            this.service = service;
        }

        private void ownService(String setting) {
            if (service != null) {
                throw new IllegalStateException(setting + " belongs to the shared RealtimeService: set it on "
                        + "RealtimeService.builder(store)");
            }
        }

        /**
         * Where the node's parked polls are woken from when it is not the broker (a {@code StorePoller}, say);
         * publishes are still announced through the broker. Not closed by the handler.
         *
         * @param changeSource the change source
         * @return this builder
         */
        public Builder changeSource(ChangeSource changeSource) {
            Objects.requireNonNull(changeSource, "changeSource");
            ownService("changeSource");
            this.changeSource = changeSource;
            return this;
        }

        /**
         * Limits, allowed origins and the authorizer (default {@link HttpSettings#DEFAULTS}).
         *
         * @param settings the HTTP limits, origins and authorizer
         * @return this builder
         */
        public Builder settings(HttpSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * How long a poll that names no {@code wait} is held (default 25 s).
         *
         * @param timeout how long to wait
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = positive("timeout", timeout);
            return this;
        }

        /**
         * The longest hold; a larger {@code wait} is capped to it (default 60 s).
         *
         * @param maxTimeout the max timeout
         * @return this builder
         */
        public Builder maxTimeout(Duration maxTimeout) {
            this.maxTimeout = positive("maxTimeout", maxTimeout);
            return this;
        }

        /**
         * How often each node re-reads the shared store for channels with parked polls, in case a Redis
         * notification was lost without a reconnect (default 10 s): the worst-case delay of a message whose
         * notification never arrived.
         *
         * @param sweepInterval the sweep interval
         * @return this builder
         */
        public Builder sweepInterval(Duration sweepInterval) {
            positive("sweepInterval", sweepInterval);
            ownService("sweepInterval");
            this.sweepInterval = sweepInterval;
            return this;
        }

        /**
         * Threads of the node's hub that reads the store and wakes polls (default max(4, 2 x cores)).
         *
         * @param threads the number of threads
         * @return this builder
         */
        public Builder hubThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("hubThreads must be >= 1 but was " + threads);
            }
            ownService("hubThreads");
            this.hubThreads = threads;
            return this;
        }

        /**
         * The handler, ready to mount or to run with {@code PatternServer}.
         *
         * @return the handler, ready to mount or to run with {@code PatternServer}
         * @throws IllegalArgumentException when {@code timeout > maxTimeout}
         * @throws io.github.realtimepatterns.core.RealtimeException when the builder opens the store or
         *         Redis itself and either cannot be reached
         */
        public LongPollingBrokerHandler build() {
            if (timeout.compareTo(maxTimeout) > 0) {
                throw new IllegalArgumentException("timeout must be <= maxTimeout (" + maxTimeout + ") but was "
                        + timeout);
            }
            if (service != null) {
                LongPollingHandler shared = LongPolling.builder(service).settings(settings).timeout(timeout)
                        .maxTimeout(maxTimeout).build();
                return new LongPollingBrokerHandler(shared, null, settings, List.of());
            }
            List<AutoCloseable> owned = new ArrayList<>();
            MessageStore s = store;
            Broker b = broker;
            try {
                if (s == null) {
                    s = MessageStores.jdbc(jdbcUrl);
                    owned.add(s);
                    s.checkHealth();
                }
                if (b == null) {
                    b = RedisBroker.builder(redisUrl).build();
                    owned.add(0, b);
                }
                LongPolling.Builder inner = LongPolling.builder(s)
                        .broker(b)
                        .settings(settings)
                        .timeout(timeout)
                        .maxTimeout(maxTimeout)
                        .sweepInterval(sweepInterval);
                if (hubThreads > 0) {
                    inner.hubThreads(hubThreads);
                }
                if (changeSource != null) {
                    inner.changeSource(changeSource);
                }
                return new LongPollingBrokerHandler(inner.build(), b, settings, owned);
            } catch (RuntimeException e) {
                LongPollingBrokerHandler.closeAll(owned);
                throw e;
            }
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero() || d.toHours() > 24) {
                throw new IllegalArgumentException(name + " must be in (0, 24h] but was " + d);
            }
            return d;
        }
    }
}
