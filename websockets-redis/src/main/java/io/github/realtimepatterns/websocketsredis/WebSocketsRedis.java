package io.github.realtimepatterns.websocketsredis;

import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.change.ChangeSource;
import io.github.realtimepatterns.core.connection.Outboxes;
import io.github.realtimepatterns.core.connection.SendLimits;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.github.realtimepatterns.core.store.MessageStore;
import java.time.Duration;
import java.util.Objects;

/**
 * WebSockets relayed across nodes through a broker, with cursors: the entry point of the module.
 *
 * <pre>{@code
 * WebSocketsRedisHandler handler = WebSocketsRedis.builder(store)
 *         .broker(redisBroker)                      // one Redis subscription per node; default in-JVM
 *         .pingInterval(Duration.ofSeconds(25))
 *         .build();
 * try (var server = PatternServer.start(handler, 0)) { ... }
 * }</pre>
 *
 * <p>Every published message is stored first, then announced through the broker; each node hands it to
 * its own sockets. A client that reconnects subscribes again from its cursor and gets exactly what it
 * missed.
 */
public final class WebSocketsRedis {

    private WebSocketsRedis() {
    }

    /**
     * A builder of a handler over {@code store} (the truth; not closed by the handler).
     *
     * @param store the message store (the truth)
     * @return a builder of a handler over {@code store} (the truth; not closed by the handler)
     */
    public static Builder builder(MessageStore store) {
        return new Builder(Objects.requireNonNull(store, "store"), null);
    }

    /**
     * A builder of a handler over the shared {@code service}: the way to mount it beside
     * other patterns on one server, so that a publish through any of them wakes every pattern's subscribers
     * at once. The handler uses the service as given and does not close it: close it after the handlers.
     * The service's broker and sweep interval are its own settings.
     *
     * @param service the service the handler runs over
     * @return a builder of a handler over the shared {@code service}: the way to mount it beside other patterns on
     *         one server, so that a publish through any of them wakes every pattern's subscribers at once
     */
    public static Builder builder(RealtimeService service) {
        return new Builder(null, Objects.requireNonNull(service, "service"));
    }

    /** Settings of a {@link WebSocketsRedisHandler}; each setter validates at once. Not thread-safe. */
    public static final class Builder {
        private final MessageStore store;
        private final RealtimeService service;
        private Broker broker;
        private ChangeSource changeSource;
        private HttpSettings settings = HttpSettings.DEFAULTS;
        private Duration pingInterval = Duration.ofSeconds(25);
        private Duration pongTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout;
        private int maxMessageBytes = 64 * 1024;
        private SendLimits sendLimits = SendLimits.of(1024, 1024 * 1024, 8192, 32L * 1024 * 1024,
                Duration.ofSeconds(30));
        private int maxChannelsPerSocket = 256;
        private int malformedFrameLimit = 10;
        private Duration sweepInterval = Duration.ofSeconds(10);
        private Duration writeCoalescing = Duration.ofMillis(20);

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
         * Where publishes are announced and, unless {@link #changeSource} is set, heard: a {@code RedisBroker}
         * for many nodes (one Redis subscription connection per node, one PUBLISH per message). Default: an
         * in-JVM broker owned by the handler. A broker passed here is not closed by the handler.
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
         * Where the node hears of new messages when it is not the broker: a {@code StorePoller} (sockets woken
         * by reading the database on an interval) or another broker. Publishes are still announced through
         * {@link #broker}. Not closed by the handler.
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
         * Limits, allowed origins (for the upgrade's Origin check) and the authorizer (default: defaults).
         *
         * @param settings the HTTP limits, origins and authorizer
         * @return this builder
         */
        public Builder settings(HttpSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * How often the server pings each socket (default 25 s).
         *
         * @param interval how often
         * @return this builder
         */
        public Builder pingInterval(Duration interval) {
            this.pingInterval = positive("pingInterval", interval);
            return this;
        }

        /**
         * How long a ping may go unanswered before the socket is closed (default 10 s).
         *
         * @param timeout how long to wait
         * @return this builder
         */
        public Builder pongTimeout(Duration timeout) {
            this.pongTimeout = positive("pongTimeout", timeout);
            return this;
        }

        /**
         * Undertow's idle timeout on each socket: no byte either way for this long closes it. Must exceed
         * pingInterval + pongTimeout (default: their sum plus 10 s), so pings keep a live socket open.
         *
         * @param timeout how long to wait
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = positive("idleTimeout", timeout);
            return this;
        }

        /**
         * Largest client message (all fragments) in bytes; larger closes the socket with 1009 (default 64 KiB).
         *
         * @param bytes the number of bytes
         * @return this builder
         */
        public Builder maxMessageBytes(int bytes) {
            if (bytes < 128) {
                throw new IllegalArgumentException("maxMessageBytes must be >= 128 but was " + bytes);
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /**
         * The send queue's high-water mark, per socket: when the queue holds this many messages or bytes,
         * the socket's subscriptions pause (their messages wait in the store, not in memory) until it drains
         * to the low-water mark (default 1024 messages, 1 MiB).
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
         * Where a paused socket resumes: the queue drained to this (default half the high water).
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
         * The send queue's hard bound, per socket: a batch that finds the queue past it closes the socket with
         * 1013, and the client resumes from its cursor (default 8192 messages, 32 MiB). A batch is queued
         * whole (up to 256 messages), so the queue may pass it by one batch; must be at least the high water.
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
         * A socket that takes no byte for this long while frames wait is closed with 1013 (default 30 s).
         *
         * @param timeout how long to wait
         * @return this builder
         */
        public Builder stallTimeout(Duration timeout) {
            this.sendLimits = sendLimits.withStallTimeout(timeout);
            return this;
        }

        /**
         * Most channels one socket may follow (default 256); more is an error frame 429.
         *
         * @param channels the channels' names
         * @return this builder
         */
        public Builder maxChannelsPerSocket(int channels) {
            if (channels < 1) {
                throw new IllegalArgumentException("maxChannelsPerSocket must be >= 1 but was " + channels);
            }
            this.maxChannelsPerSocket = channels;
            return this;
        }

        /**
         * Malformed frames a socket may send (each answered by an error frame) before 1008 closes it (default 10).
         *
         * @param frames the number of frames
         * @return this builder
         */
        public Builder malformedFrameLimit(int frames) {
            if (frames < 0) {
                throw new IllegalArgumentException("malformedFrameLimit must be >= 0 but was " + frames);
            }
            this.malformedFrameLimit = frames;
            return this;
        }

        /**
         * How often the hub re-checks the store for a lost notification (default 10 s).
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
         * How long a busy socket's frames may wait to be written together (default 20 ms; zero writes every
         * frame at once). A socket that has not written for this long writes a new frame at once; one that
         * did waits until this long after its last write, so a socket receiving many messages a second gets
         * them a few per write (one system call each, on both ends) at the cost of up to this much latency.
         *
         * @param window the longest wait, zero for none
         * @return this builder
         */
        public Builder writeCoalescing(Duration window) {
            Objects.requireNonNull(window, "writeCoalescing");
            if (window.isNegative() || window.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("writeCoalescing must be in 0..1s but was " + window);
            }
            this.writeCoalescing = window;
            return this;
        }

        /**
         * The handler, ready to mount.
         *
         * @return the handler, ready to mount
         * @throws IllegalArgumentException when idleTimeout does not exceed pingInterval + pongTimeout, or the
         *         send limits do not fit together (low water, high water, max queued)
         */
        public WebSocketsRedisHandler build() {
            Duration roundTrip = pingInterval.plus(pongTimeout);
            Duration idle = idleTimeout != null ? idleTimeout : roundTrip.plusSeconds(10);
            if (idle.compareTo(roundTrip) <= 0) {
                throw new IllegalArgumentException("idleTimeout must be > pingInterval + pongTimeout (" + roundTrip
                        + ") but was " + idle);
            }
            Outboxes outboxes = new Outboxes(sendLimits, writeCoalescing);
            SocketLimits limits = new SocketLimits(pingInterval.toMillis(), pongTimeout.toMillis(), idle.toMillis(),
                    maxMessageBytes, maxChannelsPerSocket, malformedFrameLimit);
            if (this.service != null) {
                return new WebSocketsRedisHandler(this.service.shared(), settings, limits, outboxes);
            }
            RealtimeService.Builder service = RealtimeService.builder(store).sweepInterval(sweepInterval);
            if (broker != null) {
                service.broker(broker);
            }
            if (changeSource != null) {
                service.changeSource(changeSource);
            }
            return new WebSocketsRedisHandler(service.build(), settings, limits, outboxes);
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
