package io.github.realtimepatterns.ssedbpolling;

import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.change.ChangeSource;
import io.github.realtimepatterns.core.connection.SendLimits;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.github.realtimepatterns.core.store.MessageStore;
import java.time.Duration;
import java.util.Objects;

/**
 * Server-Sent Events with server-side polling: each client holds one event stream, and the node reads the
 * database on an interval (one query per interval for every channel with clients on this node, however
 * many clients) and pushes what is new to every open stream. Nodes share only the database.
 *
 * <pre>{@code
 * var store = MessageStores.h2InMemory();
 * SseDbPollingHandler handler = SseDbPolling.builder(store)
 *         .pollInterval(Duration.ofMillis(500))
 *         .heartbeat(Duration.ofSeconds(15))
 *         .build();
 * try (var server = PatternServer.start(handler, 0)) { ... }
 * }</pre>
 *
 * <p>The transport does not care how the node learns of new messages: {@link Builder#changeSource} can
 * wake it from Redis or an in-JVM broker instead of the poller.
 */
public final class SseDbPolling {

    /** The pattern's name, as in the module table. */
    public static final String PATTERN = "sse-db-polling";

    private SseDbPolling() {
    }

    /**
     * A builder for a handler over {@code store} (the truth; not closed by the handler).
     *
     * @param store the message store (the truth)
     * @return a builder for a handler over {@code store} (the truth; not closed by the handler)
     */
    public static Builder builder(MessageStore store) {
        return new Builder(Objects.requireNonNull(store, "store"), null);
    }

    /**
     * A builder for a handler over the shared {@code service}: the way to mount it beside
     * other patterns on one server, so that a publish through any of them wakes every pattern's subscribers
     * at once. The handler uses the service as given and does not close it: close it after the handlers.
     * Its streams are woken by the service's change source (its broker unless set otherwise), not by a
     * poller of the handler's own; the broker, change source and sweep interval are the service's settings.
     *
     * @param service the service the handler runs over
     * @return a builder for a handler over the shared {@code service}: the way to mount it beside other patterns on
     *         one server, so that a publish through any of them wakes every pattern's subscribers at once
     */
    public static Builder builder(RealtimeService service) {
        return new Builder(null, Objects.requireNonNull(service, "service"));
    }

    /** Settings of an {@link SseDbPollingHandler}; every setter validates at once. Not thread-safe. */
    public static final class Builder {
        final MessageStore store;
        final RealtimeService service;
        Duration pollInterval = Duration.ofMillis(500);
        Duration heartbeat = Duration.ofSeconds(15);
        Duration retry = Duration.ofSeconds(2);
        SendLimits sendLimits = SendLimits.of(512, 512 * 1024, 1024, 1024 * 1024, Duration.ofSeconds(30));
        HttpSettings settings = HttpSettings.DEFAULTS;
        Broker broker;
        ChangeSource changeSource;
        Duration sweepInterval = Duration.ofSeconds(10);

        private Builder(MessageStore store, RealtimeService service) {
            this.store = store;
            this.service = service;
        }

        private void ownService(String setting) {
            if (service != null) {
                throw new IllegalStateException(setting + " belongs to the shared RealtimeService: set it on "
                        + "RealtimeService.builder(store)");
            }
        }

        /**
         * How often the node reads the database for new messages (default 500 ms; env {@code SSE_POLL_INTERVAL}).
         *
         * @param interval how often
         * @return this builder
         */
        public Builder pollInterval(Duration interval) {
            positive("pollInterval", interval);
            ownService("pollInterval (of the handler's own store poller)");
            this.pollInterval = interval;
            return this;
        }

        /**
         * How often an idle stream gets a comment line (default 15 s; env {@code SSE_HEARTBEAT}).
         *
         * @param heartbeat how often an idle stream gets a comment line
         * @return this builder
         */
        public Builder heartbeat(Duration heartbeat) {
            this.heartbeat = positive("heartbeat", heartbeat);
            return this;
        }

        /**
         * The {@code retry:} hint: how long a browser waits before reconnecting (default 2 s).
         *
         * @param retry the browser's reconnect delay
         * @return this builder
         */
        public Builder retry(Duration retry) {
            this.retry = positive("retry", retry);
            return this;
        }

        /**
         * The send queue's high-water mark, per stream: when the queue holds this many messages or bytes,
         * the stream's subscription pauses (new messages wait in the database, not in memory) until it
         * drains to the low-water mark (default 512 messages, 512 KiB).
         *
         * @param messages the messages
         * @param bytes the number of bytes
         * @return this builder
         */
        public Builder highWater(int messages, long bytes) {
            this.sendLimits = sendLimits.withHighWater(messages, bytes);
            return this;
        }

        /**
         * Where a paused stream resumes: the queue drained to this (default half the high water).
         *
         * @param messages the messages
         * @param bytes the number of bytes
         * @return this builder
         */
        public Builder lowWater(int messages, long bytes) {
            this.sendLimits = sendLimits.withLowWater(messages, bytes);
            return this;
        }

        /**
         * The send queue's hard bound, per stream: a batch that finds the queue past it ends the stream, and
         * the client resumes from its cursor (default 1024 messages, 1 MiB). A batch is queued whole (up to
         * 256 messages), so the queue may pass it by one batch; must be at least the high water.
         *
         * @param messages the messages
         * @param bytes the number of bytes
         * @return this builder
         */
        public Builder maxQueued(int messages, long bytes) {
            this.sendLimits = sendLimits.withMaxQueued(messages, bytes);
            return this;
        }

        /**
         * A stream whose socket takes no byte for this long while events wait is ended (default 30 s).
         *
         * @param timeout how long to wait
         * @return this builder
         */
        public Builder stallTimeout(Duration timeout) {
            this.sendLimits = sendLimits.withStallTimeout(timeout);
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
         * Where publishes through this handler are announced (not closed by the handler). Default: an in-JVM
         * broker of the handler's own. Other nodes need not listen to it: they poll the database.
         *
         * @param broker where publishes are announced
         * @return this builder
         */
        public Builder broker(Broker broker) {
            Objects.requireNonNull(broker, "broker");
            ownService("broker");
            this.broker = broker;
            return this;
        }

        /**
         * How the node learns of new messages, instead of polling the database (not closed by the handler):
         * a Redis broker or an in-JVM one, say. Then {@link #pollInterval} is unused.
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
         * How often the hub's safety sweep re-checks the store's heads (default 10 s).
         *
         * @param interval how often
         * @return this builder
         */
        public Builder sweepInterval(Duration interval) {
            positive("sweepInterval", interval);
            ownService("sweepInterval");
            this.sweepInterval = interval;
            return this;
        }

        /**
         * The handler, with its change source and heartbeat started.
         *
         * @return the handler, with its change source and heartbeat started
         * @throws IllegalArgumentException when the send limits do not fit together (low water, high water,
         *         max queued)
         */
        public SseDbPollingHandler build() {
            return new SseDbPollingHandler(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0 but was " + d);
            }
            return d;
        }
    }
}
