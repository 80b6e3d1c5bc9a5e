package io.github.realtimepatterns.core.client;

import io.github.realtimepatterns.core.Channels;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.ProtocolException;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.RealtimeException;
import io.github.realtimepatterns.core.WireJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The read loops behind the request/answer clients (polling, long-polling, a long-polling cluster): each
 * subscription is one loop with at most one read of {@code GET /channels/{c}/messages} in flight, feeding
 * every answer into its {@link CursorGate}. What differs between the patterns is a small per-subscription
 * {@link Reader}: which request the next read sends (base URI, query, headers), how long the loop waits
 * after an answer, and whether a {@code 304 Not Modified} is a normal answer.
 *
 * <p>After a failure (refused, reset, timed out, a status other than 200 or an accepted 304, an answer
 * that does not parse) the listener hears {@code onError} and the loop waits a capped exponential backoff
 * with jitter, then reads again from its cursor, so nothing is lost or repeated. Loops run on
 * {@code java.net.http}'s asynchronous API and one two-thread scheduler per instance: a parked read holds a
 * connection, not a thread. Thread-safe; {@link #close()} ends every subscription and the scheduler.
 */
public final class ReadLoopClient implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ReadLoopClient.class.getName());

    /**
     * How one subscription reads; the loop calls its methods one at a time (never concurrently), so an
     * implementation may keep plain per-subscription fields (an ETag, the next node).
     */
    public interface Reader {

        /**
         * The next read, from the gate's {@code position}.
         *
         * @param position where the reader is now
         * @return the next read, from the gate's {@code position}
         */
        Read next(Cursor position);

        /**
         * A {@code 200} answer was fed into the gate, which is now at {@code position}: the wait before the
         * next read ({@link Duration#ZERO} reads again at once).
         *
         * @param result the result
         * @param response the HTTP response
         * @param position where the reader is now
         * @return a {@code 200} answer was fed into the gate, which is now at {@code position}: the wait before the
         *         next read ({@link Duration#ZERO} reads again at once)
         */
        Duration afterRead(ReadResult result, HttpResponse<String> response, Cursor position);

        /**
         * A {@code 304} answer: the wait before the next read, or empty (the default) when a 304 is a failure
         * like any other unexpected status.
         *
         * @return a {@code 304} answer: the wait before the next read, or empty (the default) when a 304 is a
         *         failure like any other unexpected status
         */
        default Optional<Duration> afterNotModified() {
            return Optional.empty();
        }
    }

    /**
     * One read to send: {@code base} names the server in error messages, {@code request} is what is sent.
     */
    public record Read(URI base, HttpRequest request) {
        /**
         * Both required.
         *
         * @param base the server's base URI
         * @param request the request
         */
        public Read {
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(request, "request");
        }
    }

    private final String verb;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final ScheduledExecutorService scheduler;
    private final HttpClient http;
    private final Set<Loop> loops = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Loops whose errors name their reads {@code verb} (like {@code "poll"}), on daemon threads named
     * {@code threadName}, sending with {@code http} or, when it is null, with a new HTTP/1.1 client that runs
     * on the loops' scheduler; failures back off from {@code backoffMin} up to {@code backoffMax}.
     *
     * @param verb what the loop does, for its error messages
     * @param threadName the name of the loop's threads
     * @param http the HTTP client to use
     * @param backoffMin the first wait before reconnecting
     * @param backoffMax the longest wait before reconnecting
     */
    public ReadLoopClient(String verb, String threadName, HttpClient http, Duration backoffMin, Duration backoffMax) {
        this.verb = Objects.requireNonNull(verb, "verb");
        Objects.requireNonNull(threadName, "threadName");
        // Checks the pair now rather than at the first failure.
        new Backoff(backoffMin, backoffMax);
        this.backoffMin = backoffMin;
        this.backoffMax = backoffMax;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.scheduler = pool;
        this.http = http != null ? http : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(pool)
                .build();
    }

    /**
     * The relative read path {@code channels/{c}/messages?limit=N[&after=ID][&epoch=E]} for {@code position};
     * resolve it against a base URI that ends in a slash, and append pattern-specific parameters.
     *
     * @param channel the channel's name
     * @param position where the reader is now
     * @param limit most messages to answer
     * @return the relative read path {@code channels/{c}/messages?limit=N[&after=ID][&epoch=E]} for {@code
     *         position}; resolve it against a base URI that ends in a slash, and append pattern-specific parameters
     */
    public static String readPath(String channel, Cursor position, int limit) {
        StringBuilder query = new StringBuilder("channels/").append(channel).append("/messages?limit=").append(limit);
        if (!position.isHead()) {
            query.append("&after=").append(position.after());
        }
        if (position.epoch() != null) {
            query.append("&epoch=").append(position.epoch());
        }
        return query.toString();
    }

    /**
     * A {@code GET} of {@code uri} that accepts JSON and gives up after {@code timeout}.
     *
     * @param uri the URI
     * @param timeout how long to wait
     * @return a {@code GET} of {@code uri} that accepts JSON and gives up after {@code timeout}
     */
    public static HttpRequest.Builder jsonGet(URI uri, Duration timeout) {
        return HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET();
    }

    /**
     * A long-poll read of {@code base}: {@link #readPath} plus {@code &wait=SECONDS} (whole seconds of
     * {@code wait}, at least 1) and a timeout of {@code requestTimeout} beyond the wait. From the head it is a
     * plain read ({@code wait=0}).
     *
     * @param base the server's base URI
     * @param channel the channel's name
     * @param position where the reader is now
     * @param limit most messages to answer
     * @param wait how long to wait
     * @param requestTimeout the longest wait for one answer
     * @return a long-poll read of {@code base}: {@link #readPath} plus {@code &wait=SECONDS} (whole seconds of
     *         {@code wait}, at least 1) and a timeout of {@code requestTimeout} beyond the wait
     */
    public static Read longPoll(URI base, String channel, Cursor position, int limit, Duration wait,
            Duration requestTimeout) {
        // From the head, a plain read first: it tells the head, so what is published next counts as new.
        long waitSeconds = position.isHead() ? 0 : Math.max(1, wait.toSeconds());
        String path = readPath(channel, position, limit) + "&wait=" + waitSeconds;
        return new Read(base, jsonGet(base.resolve(path), requestTimeout.plusSeconds(waitSeconds)).build());
    }

    /**
     * The JDK client the loops send with (share it with a publisher).
     *
     * @return the JDK client the loops send with (share it with a publisher)
     */
    public HttpClient http() {
        return http;
    }

    /**
     * Starts a loop that reads {@code channel} after {@code from} with {@code reader} and hands what arrives
     * to {@code listener}; the first read is sent at once.
     *
     * @param channel the channel's name
     * @param from where to start: the position after which messages are wanted
     * @param listener what is told of the messages
     * @param reader the reader
     * @return the subscription; close it to stop the loop
     * @throws IllegalArgumentException if the channel name is invalid
     * @throws IllegalStateException if this is closed
     */
    public ClientSubscription subscribe(String channel, Cursor from, MessageListener listener, Reader reader) {
        Channels.validate(channel);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(reader, "reader");
        if (closed.get()) {
            throw new IllegalStateException("client is closed");
        }
        Loop loop = new Loop(channel, from, listener, reader);
        loops.add(loop);
        scheduler.execute(loop::read);
        return loop;
    }

    /**
     * Subscriptions running now.
     *
     * @return subscriptions running now
     */
    public int subscriptionCount() {
        return loops.size();
    }

    /**
     * Read requests sent by all subscriptions, since start.
     *
     * @return read requests sent by all subscriptions, since start
     */
    public long requestCount() {
        return requests.get();
    }

    /** Ends every subscription (in-flight reads are cancelled) and stops the scheduler; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        loops.forEach(Loop::close);
        scheduler.shutdownNow();
    }

    /** One subscription's read loop; its steps run one at a time. */
    private final class Loop implements ClientSubscription {
        private final String channel;
        private final CursorGate gate;
        private final Reader reader;
        private final Backoff backoff = new Backoff(backoffMin, backoffMax);
        private volatile boolean open = true;
        private volatile CompletableFuture<?> inFlight;

        Loop(String channel, Cursor from, MessageListener listener, Reader reader) {
            this.channel = channel;
            this.gate = new CursorGate(channel, from, listener);
            this.reader = reader;
        }

        @Override
        public String channel() {
            return channel;
        }

        @Override
        public Cursor position() {
            return gate.position();
        }

        @Override
        public void close() {
            open = false;
            gate.close();
            loops.remove(this);
            CompletableFuture<?> f = inFlight;
            if (f != null) {
                f.cancel(true);
            }
        }

        void read() {
            if (!open) {
                return;
            }
            try {
                Read read = reader.next(gate.position());
                requests.incrementAndGet();
                inFlight = http.sendAsync(read.request(), HttpResponse.BodyHandlers.ofString())
                        .whenCompleteAsync((response, error) -> answered(read.base(), response, error), scheduler);
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        private void answered(URI base, HttpResponse<String> response, Throwable error) {
            if (!open) {
                return;
            }
            try {
                String what = verb + " of " + channel + " at " + base;
                if (error != null) {
                    failed(new RealtimeException(what + " failed: " + error, error));
                    return;
                }
                int status = response.statusCode();
                Optional<Duration> notModified = status == 304 ? reader.afterNotModified() : Optional.empty();
                if (notModified.isPresent()) {
                    backoff.reset();
                    schedule(notModified.get());
                    return;
                }
                if (status != 200) {
                    String detail = HttpPublisher.problemDetail(response.body());
                    String message = what + " answered " + status + ": " + detail;
                    failed(status >= 400 && status < 500
                            ? new ProtocolException(status, null, message)
                            : new RealtimeException(message));
                    return;
                }
                ReadResult result = WireJson.parseReadResult(response.body());
                gate.accept(result);
                backoff.reset();
                Duration delay = reader.afterRead(result, response, gate.position());
                if (delay.isZero()) {
                    read();
                } else {
                    schedule(delay);
                }
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        private void failed(Throwable error) {
            gate.error(error);
            schedule(backoff.next());
        }

        private void schedule(Duration delay) {
            if (!open) {
                return;
            }
            try {
                scheduler.schedule(this::read, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                LOG.log(System.Logger.Level.DEBUG, "client closed; read loop of " + channel + " ends");
            }
        }
    }
}
