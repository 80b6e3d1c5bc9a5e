package io.github.realtimepatterns.longpolling;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.client.ClientSubscription;
import io.github.realtimepatterns.core.client.HttpPublisher;
import io.github.realtimepatterns.core.client.MessageListener;
import io.github.realtimepatterns.core.client.ReadLoopBuilder;
import io.github.realtimepatterns.core.client.ReadLoopClient;
import io.github.realtimepatterns.core.client.RealtimeClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link RealtimeClient} that long-polls {@code GET /channels/{c}/messages?after=ID&wait=SECONDS}.
 *
 * <p>Each subscription is one loop with one request in flight. A subscription started at the head first
 * learns the head with a plain read ({@code wait=0}); then it asks after its cursor, and asks again at
 * once after every answer (messages or an empty timeout answer). After a failure (server down,
 * restarted, 5xx) it waits a capped exponential backoff with jitter and resumes from its cursor, so
 * nothing is lost or repeated across a server restart. Loops run on {@code java.net.http}'s asynchronous
 * API and a two-thread shared scheduler: a parked poll holds a connection, not a thread. Thread-safe;
 * {@link #close()} ends every subscription.
 */
public final class LongPollingClient implements RealtimeClient {

    private final URI base;
    private final Duration wait;
    private final int limit;
    private final Duration requestTimeout;
    private final ReadLoopClient loops;
    private final HttpPublisher publisher;

    private LongPollingClient(Builder b) {
        this.base = HttpPublisher.withSlash(b.base);
        this.wait = b.wait;
        this.limit = b.limit();
        this.requestTimeout = b.requestTimeout();
        this.loops = b.newLoop("long-poll", "rp-long-polling-client");
        this.publisher = new HttpPublisher(loops.http(), base, requestTimeout);
    }

    /**
     * A client with the defaults for a long-polling server at {@code base} (like {@code http://host:8080/}).
     *
     * @param base the server's base URI
     * @return a client with the defaults for a long-polling server at {@code base} (like {@code http://host:8080/})
     */
    public static LongPollingClient create(URI base) {
        return builder(base).build();
    }

    /**
     * A builder for a client of the long-polling server at {@code base}.
     *
     * @param base the server's base URI
     * @return a builder for a client of the long-polling server at {@code base}
     */
    public static Builder builder(URI base) {
        return new Builder(base);
    }

    @Override
    public ClientSubscription subscribe(String channel, Cursor from, MessageListener listener) {
        return loops.subscribe(channel, from, listener, new LongPoller(channel));
    }

    @Override
    public Message publish(String channel, String json) {
        return publisher.publish(channel, json);
    }

    /**
     * Subscriptions running now.
     *
     * @return subscriptions running now
     */
    public int subscriptionCount() {
        return loops.subscriptionCount();
    }

    @Override
    public void close() {
        loops.close();
    }

    /** One subscription's reads: parked polls, one after the other. */
    private final class LongPoller implements ReadLoopClient.Reader {
        private final String channel;

        LongPoller(String channel) {
            this.channel = channel;
        }

        @Override
        public ReadLoopClient.Read next(Cursor position) {
            return ReadLoopClient.longPoll(base, channel, position, limit, wait, requestTimeout);
        }

        @Override
        public Duration afterRead(ReadResult result, HttpResponse<String> response, Cursor position) {
            return Duration.ZERO;
        }
    }

    /** Settings of a {@link LongPollingClient}; validated at once. */
    public static final class Builder extends ReadLoopBuilder<Builder> {
        private final URI base;
        private Duration wait = Duration.ofSeconds(25);

        private Builder(URI base) {
            this.base = Objects.requireNonNull(base, "base");
        }

        /**
         * How long the server may hold each poll, in whole seconds, at least 1 (default 25 s; the server
         * caps it at its maximum).
         *
         * @param wait how long to wait
         * @return this builder
         */
        public Builder wait(Duration wait) {
            positive("wait", wait);
            if (wait.toSeconds() < 1) {
                throw new IllegalArgumentException("wait must be at least 1 s but was " + wait);
            }
            this.wait = wait;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * The client.
         *
         * @return the client
         */
        public LongPollingClient build() {
            return new LongPollingClient(this);
        }
    }
}
