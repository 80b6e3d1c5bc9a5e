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
     */
    public static Builder builder(MessageStore store) {
        return new Builder(store);
    }

    /** Optional collaborators and knobs of a {@link PollingHandler}; not thread-safe, use once. */
    public static final class Builder {
        private final MessageStore store;
        private Broker broker;
        private HttpSettings settings = HttpSettings.DEFAULTS;

        private Builder(MessageStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * Where publishes are announced, so that other patterns mounted over the same store (long-polling,
         * SSE, WebSockets) wake up. Default: an in-JVM broker of the handler's own. Not closed by the
         * handler.
         */
        public Builder broker(Broker broker) {
            this.broker = Objects.requireNonNull(broker, "broker");
            return this;
        }

        /** Limits, allowed origins and the authorizer (default {@link HttpSettings#DEFAULTS}). */
        public Builder settings(HttpSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** The handler, ready to mount or to run with {@code PatternServer}. */
        public PollingHandler build() {
            RealtimeService.Builder service = RealtimeService.builder(store);
            if (broker != null) {
                service.broker(broker);
            }
            return new PollingHandler(service.build(), settings);
        }
    }
}
