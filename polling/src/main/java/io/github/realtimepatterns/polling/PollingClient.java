package io.github.realtimepatterns.polling;

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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link RealtimeClient} that polls {@code GET /channels/{c}/messages} every interval.
 *
 * <p>Each subscription is one loop with at most one request in flight: it asks after its cursor, sends
 * {@code If-None-Match} with the last {@code ETag} so that an idle poll costs a {@code 304}, asks again at
 * once while {@code hasMore}, and waits a capped exponential backoff with jitter after a failure. Loops
 * run on {@code java.net.http}'s asynchronous API and a small shared scheduler (two threads), so thousands
 * of subscriptions need no thread each. A subscription started at the head first learns the head with a
 * plain read. Thread-safe; {@link #close()} ends every subscription.
 */
public final class PollingClient implements RealtimeClient {

    private final URI base;
    private final Duration interval;
    private final int limit;
    private final Duration requestTimeout;
    private final ReadLoopClient loops;
    private final HttpPublisher publisher;

    private PollingClient(Builder b) {
        this.base = HttpPublisher.withSlash(b.base);
        this.interval = b.interval;
        this.limit = b.limit();
        this.requestTimeout = b.requestTimeout();
        this.loops = b.newLoop("poll", "rp-polling-client");
        this.publisher = new HttpPublisher(loops.http(), base, requestTimeout);
    }

    /**
     * A client with the defaults for a polling server at {@code base} (like {@code http://host:8080/}).
     *
     * @param base the server's base URI
     * @return a client with the defaults for a polling server at {@code base} (like {@code http://host:8080/})
     */
    public static PollingClient create(URI base) {
        return builder(base).build();
    }

    /**
     * A builder for a client of the polling server at {@code base}.
     *
     * @param base the server's base URI
     * @return a builder for a client of the polling server at {@code base}
     */
    public static Builder builder(URI base) {
        return new Builder(base);
    }

    @Override
    public ClientSubscription subscribe(String channel, Cursor from, MessageListener listener) {
        return loops.subscribe(channel, from, listener, new Poller(channel));
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

    /** One subscription's reads: every interval, with the last ETag while the cursor has not moved. */
    private final class Poller implements ReadLoopClient.Reader {
        private final String channel;
        private String etag;
        private Cursor etagPosition;

        Poller(String channel) {
            this.channel = channel;
        }

        @Override
        public ReadLoopClient.Read next(Cursor position) {
            HttpRequest.Builder request = ReadLoopClient.jsonGet(
                    base.resolve(ReadLoopClient.readPath(channel, position, limit)), requestTimeout);
            if (etag != null && position.equals(etagPosition)) {
                request.header("If-None-Match", etag);
            }
            return new ReadLoopClient.Read(base, request.build());
        }

        @Override
        public Duration afterRead(ReadResult result, HttpResponse<String> response, Cursor position) {
            etag = response.headers().firstValue("ETag").orElse(null);
            etagPosition = position;
            return result.hasMore() ? Duration.ZERO : interval;
        }

        @Override
        public Optional<Duration> afterNotModified() {
            return Optional.of(interval);
        }
    }

    /** Settings of a {@link PollingClient}; validated at once. */
    public static final class Builder extends ReadLoopBuilder<Builder> {
        private final URI base;
        private Duration interval = Duration.ofSeconds(1);

        private Builder(URI base) {
            this.base = Objects.requireNonNull(base, "base");
        }

        /**
         * Time between two polls when nothing more is waiting (default 1 s).
         *
         * @param interval how often
         * @return this builder
         */
        public Builder interval(Duration interval) {
            this.interval = positive("interval", interval);
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
        public PollingClient build() {
            return new PollingClient(this);
        }
    }
}
