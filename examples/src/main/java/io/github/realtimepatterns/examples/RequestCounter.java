package io.github.realtimepatterns.examples;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wraps a pattern's handler and counts what reaches it: transport requests (every non-POST request under
 * {@code /channels/}: a poll, a long-poll, an SSE stream, a WebSocket upgrade) apart from publishes (POSTs),
 * so "requests per delivered message" counts what subscribers cost and nothing else.
 */
public final class RequestCounter implements HttpHandler {

    private final HttpHandler next;
    private final LongAdder requests = new LongAdder();
    private final LongAdder publishes = new LongAdder();

    /** Counts the requests that go to {@code next}. */
    public RequestCounter(HttpHandler next) {
        this.next = Objects.requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.getRelativePath().startsWith("/channels/")) {
            if (Methods.POST.equals(exchange.getRequestMethod())) {
                publishes.increment();
            } else if (!Methods.OPTIONS.equals(exchange.getRequestMethod())) {
                requests.increment();
            }
        }
        next.handleRequest(exchange);
    }

    /** Subscriber requests so far. */
    public long requests() {
        return requests.sum();
    }

    /** Publish requests so far. */
    public long publishes() {
        return publishes.sum();
    }
}
