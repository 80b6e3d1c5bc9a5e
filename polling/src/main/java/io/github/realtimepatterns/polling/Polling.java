package io.github.realtimepatterns.polling;

import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.github.realtimepatterns.core.store.MessageStore;
import java.util.Objects;

/**
 * Short polling: the client asks "what is after my cursor?" every interval and the server answers at
 * once from the store.
 *
 * <pre>{@code
 * PollingHandler handler = Polling.builder(store).settings(settings).build();
 * try (PatternServer server = PatternServer.start(handler, 0)) { ... }
 * }</pre>
 *
 * <p>Routes of the handler (relative to where it is mounted): {@code GET /channels/{c}/messages?after=ID
 * &limit=N&epoch=E} (answers at once, with an {@code ETag}; {@code If-None-Match} gets {@code 304} when
 * nothing is new), {@code POST /channels/{c}/messages}, {@code GET /health}, {@code GET /metrics},
 * {@code GET /realtime/polling.js}.
 *
 * <p>Unlike the other patterns' builders this one has no {@code changeSource}: a poll is answered at once
 * from the store, so nothing on the server waits to be woken. Its {@link Builder#broker} only announces
 * publishes to patterns mounted beside it.
 */
public final class Polling {

    private Polling() {
    }

    /**
     * A builder for a polling handler reading and appending to {@code store} (which the handler does not
     * close).
     *
     * @param store the message store (the truth)
     * @return a builder for a polling handler reading and appending to {@code store} (which the handler does not
     *         close)
     */
    public static Builder builder(MessageStore store) {
        return new Builder(Objects.requireNonNull(store, "store"), null);
    }

    /**
     * A builder for a polling handler over the shared {@code service}: the way to mount it beside
     * other patterns on one server, so that a publish through any of them wakes every pattern's subscribers
     * at once. The handler uses the service as given and does not close it: close it after the handlers.
     *
     * @param service the service the handler runs over
     * @return a builder for a polling handler over the shared {@code service}: the way to mount it beside other
     *         patterns on one server, so that a publish through any of them wakes every pattern's subscribers at
     *         once
     */
    public static Builder builder(RealtimeService service) {
        return new Builder(null, Objects.requireNonNull(service, "service"));
    }

    /** Optional collaborators and knobs of a {@link PollingHandler}; not thread-safe, use once. */
    public static final class Builder {
        private final MessageStore store;
        private final RealtimeService service;
        private Broker broker;
        private HttpSettings settings = HttpSettings.DEFAULTS;

        private Builder(MessageStore store, RealtimeService service) {
            this.store = store;
            this.service = service;
        }

        /**
         * Where publishes are announced, so that other patterns mounted over the same store (long-polling,
         * SSE, WebSockets) wake up. Default: an in-JVM broker of the handler's own. Not closed by the
         * handler.
         *
         * @param broker where publishes are announced
         * @return this builder
         * @throws IllegalStateException for a builder over a shared service, whose broker it is
         */
        public Builder broker(Broker broker) {
            Objects.requireNonNull(broker, "broker");
            if (service != null) {
                throw new IllegalStateException("broker belongs to the shared RealtimeService: set it on "
                        + "RealtimeService.builder(store).broker(...)");
            }
            this.broker = broker;
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
         * The handler, ready to mount or to run with {@code PatternServer}.
         *
         * @return the handler, ready to mount or to run with {@code PatternServer}
         */
        public PollingHandler build() {
            if (this.service != null) {
                return new PollingHandler(this.service.shared(), settings);
            }
            RealtimeService.Builder service = RealtimeService.builder(store);
            if (broker != null) {
                service.broker(broker);
            }
            return new PollingHandler(service.build(), settings);
        }
    }
}
