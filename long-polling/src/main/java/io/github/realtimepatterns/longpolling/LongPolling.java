package io.github.realtimepatterns.longpolling;

import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.change.ChangeSource;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.github.realtimepatterns.core.store.MessageStore;
import java.time.Duration;
import java.util.Objects;

/**
 * Long-polling: the client asks "what is after my cursor?" and the server holds the question open until
 * there is an answer or the wait runs out.
 *
 * <pre>{@code
 * LongPollingHandler handler = LongPolling.builder(store)
 *         .broker(broker)                       // default: an in-JVM broker of its own
 *         .timeout(Duration.ofSeconds(25))      // wait when the request names none
 *         .maxTimeout(Duration.ofSeconds(60))   // longer waits are capped to this
 *         .build();
 * }</pre>
 *
 * <p>Routes of the handler (relative to where it is mounted): {@code GET /channels/{c}/messages?after=ID
 * &limit=N&epoch=E&wait=SECONDS}, {@code POST /channels/{c}/messages}, {@code GET /health},
 * {@code GET /metrics} (with the {@code parked} gauge), {@code GET /realtime/long-polling.js}.
 */
public final class LongPolling {

    private LongPolling() {
    }

    /**
     * A builder for a long-polling handler over {@code store} (which the handler does not close).
     *
     * @param store the message store (the truth)
     * @return a builder for a long-polling handler over {@code store} (which the handler does not close)
     */
    public static Builder builder(MessageStore store) {
        return new Builder(Objects.requireNonNull(store, "store"), null);
    }

    /**
     * A builder for a long-polling handler over the shared {@code service}: the way to mount it beside
     * other patterns on one server, so that a publish through any of them wakes every pattern's subscribers
     * at once. The handler uses the service as given and does not close it: close it after the handlers.
     * The service's broker, change source, sweep interval and hub threads are its own settings.
     *
     * @param service the service the handler runs over
     * @return a builder for a long-polling handler over the shared {@code service}: the way to mount it beside
     *         other patterns on one server, so that a publish through any of them wakes every pattern's subscribers
     *         at once
     */
    public static Builder builder(RealtimeService service) {
        return new Builder(null, Objects.requireNonNull(service, "service"));
    }

    /** Optional collaborators and knobs of a {@link LongPollingHandler}; validated at once; use once. */
    public static final class Builder {
        private final MessageStore store;
        private final RealtimeService service;
        private Broker broker;
        private ChangeSource changeSource;
        private HttpSettings settings = HttpSettings.DEFAULTS;
        private Duration timeout = Duration.ofSeconds(25);
        private Duration maxTimeout = Duration.ofSeconds(60);
        private Duration sweepInterval = Duration.ofSeconds(10);
        private int hubThreads;

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
         * Where publishes are announced and, unless {@link #changeSource} is set, where parked requests are
         * woken from: a {@code RedisBroker} for many nodes. Default: an in-JVM broker of the handler's own.
         * Not closed by the handler.
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
         * Where parked requests are woken from when it is not the broker (a store poller, say). Not closed.
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
         * How long a request that names no {@code wait} is held (default 25 s).
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
         * How often the hub re-checks the store in case a wake-up was lost (default 10 s).
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
         * Threads of the hub that reads the store and wakes requests (default max(4, 2 x cores)).
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
         */
        public LongPollingHandler build() {
            if (timeout.compareTo(maxTimeout) > 0) {
                throw new IllegalArgumentException("timeout must be <= maxTimeout (" + maxTimeout + ") but was "
                        + timeout);
            }
            if (this.service != null) {
                return new LongPollingHandler(this.service.shared(), settings, timeout, maxTimeout);
            }
            RealtimeService.Builder service = RealtimeService.builder(store).sweepInterval(sweepInterval);
            if (broker != null) {
                service.broker(broker);
            }
            if (changeSource != null) {
                service.changeSource(changeSource);
            }
            if (hubThreads > 0) {
                service.hubThreads(hubThreads);
            }
            return new LongPollingHandler(service.build(), settings, timeout, maxTimeout);
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
