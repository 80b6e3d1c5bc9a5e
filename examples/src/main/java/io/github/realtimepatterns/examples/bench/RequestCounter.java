package io.github.realtimepatterns.examples.bench;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wraps a pattern's handler and counts what reaches it: subscriber requests (a poll, a long-poll, an SSE
 * stream, a WebSocket upgrade) apart from publishes (POSTs), and neither the browser module's script nor
 * health, metrics or CORS preflight requests, so "requests per delivered message" counts what subscribing
 * costs and nothing else.
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
        String path = exchange.getRelativePath();
        if (Methods.POST.equals(exchange.getRequestMethod())) {
            publishes.increment();
        } else if (!Methods.OPTIONS.equals(exchange.getRequestMethod()) && !path.startsWith("/realtime/")
                && !path.equals("/health") && !path.equals("/metrics")) {
            requests.increment();
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
