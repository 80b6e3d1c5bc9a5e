package io.github.realtimepatterns.core.client;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings every client built on {@link ReadLoopClient} shares, for their builders to extend: answer
 * size, request timeout, backoff and the JDK client. Setters validate at once and return the concrete
 * builder, so chains read the same in every pattern. Not thread-safe (a builder).
 *
 * @param <B> the concrete builder
 */
public abstract class ReadLoopBuilder<B extends ReadLoopBuilder<B>> {

    private int limit = 100;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration backoffMin = Duration.ofMillis(250);
    private Duration backoffMax = Duration.ofSeconds(30);
    private HttpClient http;

    /** For subclasses. */
    protected ReadLoopBuilder() {
    }

    /**
     * This builder as its concrete type.
     *
     * @return this builder as its concrete type
     */
    protected abstract B self();

    /**
     * Messages per answer, 1..1000 (default 100).
     *
     * @param limit most messages to answer
     * @return messages per answer, 1..1000 (default 100)
     */
    public B limit(int limit) {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be in 1..1000 but was " + limit);
        }
        this.limit = limit;
        return self();
    }

    /**
     * Longest wait for one answer, beyond any hold the request asks the server for (default 10 s).
     *
     * @param timeout how long to wait
     * @return longest wait for one answer, beyond any hold the request asks the server for (default 10 s)
     */
    public B requestTimeout(Duration timeout) {
        this.requestTimeout = positive("requestTimeout", timeout);
        return self();
    }

    /**
     * Backoff after failures: from {@code min} doubling up to {@code max}, with jitter (250 ms .. 30 s).
     *
     * @param min the smallest value
     * @param max the largest value
     * @return backoff after failures: from {@code min} doubling up to {@code max}, with jitter (250 ms
     */
    public B backoff(Duration min, Duration max) {
        positive("backoff min", min);
        positive("backoff max", max);
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff max must be >= min but was " + max + " < " + min);
        }
        this.backoffMin = min;
        this.backoffMax = max;
        return self();
    }

    /**
     * The JDK client to use (share one among many clients; force HTTP/1.1). Default: a new one.
     *
     * @param http the HTTP client to use
     * @return the JDK client to use (share one among many clients; force HTTP/1.1)
     */
    public B httpClient(HttpClient http) {
        this.http = Objects.requireNonNull(http, "http");
        return self();
    }

    /**
     * The loop these settings describe, its threads named {@code threadName}, its errors naming {@code verb}.
     *
     * @param verb what the loop does, for its error messages
     * @param threadName the name of the loop's threads
     * @return the loop these settings describe, its threads named {@code threadName}, its errors naming {@code
     *         verb}
     */
    public final ReadLoopClient newLoop(String verb, String threadName) {
        return new ReadLoopClient(verb, threadName, http, backoffMin, backoffMax);
    }

    /**
     * Messages per answer.
     *
     * @return messages per answer
     */
    public final int limit() {
        return limit;
    }

    /**
     * Longest wait for one answer.
     *
     * @return longest wait for one answer
     */
    public final Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * Checks that {@code d} is positive and returns it; the message names {@code name}.
     *
     * @param name the name
     * @param d the duration to check
     * @return {@code d}
     */
    protected static Duration positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0 but was " + d);
        }
        return d;
    }
}
