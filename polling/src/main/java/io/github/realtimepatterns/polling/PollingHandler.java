package io.github.realtimepatterns.polling;

import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.http.ChannelRequest;
import io.github.realtimepatterns.core.http.Exchanges;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.http.RealtimeRoutes;
import io.github.realtimepatterns.core.http.RequestEntry;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.concurrent.atomic.LongAdder;

/**
 * The mountable handler of the polling pattern, built by {@link Polling#builder}. Thread-safe.
 *
 * <p>Each poll is one store read on a worker thread. The answer carries {@code ETag: "<epoch>:<cursor>"};
 * a poll whose {@code If-None-Match} names that tag and finds nothing new gets {@code 304 Not Modified}
 * with no body. {@link #close()} stops the handler's service (not the store).
 */
public final class PollingHandler implements RealtimeHandler {

    private final RealtimeService service;
    private final RequestEntry entry;
    private final HttpHandler routes;
    private final LongAdder polls = new LongAdder();
    private final LongAdder notModified = new LongAdder();

    PollingHandler(RealtimeService service, HttpSettings settings) {
        this.service = service;
        this.entry = RequestEntry.of(settings);
        this.routes = RealtimeRoutes.builder(service, entry)
                .get("/channels/{channel}/messages", entry.read().to(this::poll))
                .script("/realtime/polling.js", PollingHandler.class, "polling.js")
                .metric("polls", this::pollCount)
                .metric("notModified", this::notModifiedCount)
                .build();
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        routes.handleRequest(exchange);
    }

    @Override
    public RealtimeService service() {
        return service;
    }

    @Override
    public String pattern() {
        return "polling";
    }

    /**
     * Polls answered since start (200 and 304).
     *
     * @return polls answered since start (200 and 304)
     */
    public long pollCount() {
        return polls.sum();
    }

    /**
     * Polls answered {@code 304 Not Modified} since start.
     *
     * @return polls answered {@code 304 Not Modified} since start
     */
    public long notModifiedCount() {
        return notModified.sum();
    }

    @Override
    public void close() {
        if (entry.startClosing()) {
            service.close();
        }
    }

    private void poll(HttpServerExchange exchange, ChannelRequest request) {
        String ifNoneMatch = exchange.getRequestHeaders().getFirst(Headers.IF_NONE_MATCH);
        Exchanges.dispatch(exchange, () -> answer(exchange,
                service.read(request.channel(), request.cursor(), request.limit()), ifNoneMatch));
    }

    private void answer(HttpServerExchange exchange, ReadResult result, String ifNoneMatch) {
        polls.increment();
        String etag = etag(result);
        exchange.getResponseHeaders().put(Headers.ETAG, etag);
        if (result.messages().isEmpty() && result.honoured() && matches(ifNoneMatch, etag)) {
            notModified.increment();
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            exchange.setStatusCode(304);
            exchange.endExchange();
            return;
        }
        Exchanges.sendJson(exchange, 200, WireJson.readResult(result));
    }

    /** The entity tag of an answer: its epoch and cursor, which together name the channel's state for it. */
    static String etag(ReadResult result) {
        return "\"" + result.epoch() + ":" + result.cursor() + "\"";
    }

    /** Whether an {@code If-None-Match} header value (a list of tags, weak or strong) names {@code etag}. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
