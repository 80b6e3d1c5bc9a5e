package io.github.realtimepatterns.longpollingbroker;

import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.broker.RedisBroker;
import io.github.realtimepatterns.core.http.CorsHandler;
import io.github.realtimepatterns.core.http.Exchanges;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.github.realtimepatterns.longpolling.LongPollingHandler;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The mountable handler of the long-polling-broker pattern, built by {@link LongPollingBroker#builder}: the
 * long-polling handler of one node, woken through a shared broker. Thread-safe.
 *
 * <p>It answers polls and publishes exactly as the long-polling handler does; what it adds is the many-node
 * view in {@code GET /metrics}: the broker's counters ({@code brokerPublished}: one Redis PUBLISH per
 * message, whatever the number of nodes and clients; {@code brokerReceived}: notifications this node
 * received; {@code brokerReconnects}; {@code brokerFailedPublishes}), next to the hub's store reads, so
 * the cost of a delivery can be read off a running node.
 */
public final class LongPollingBrokerHandler implements RealtimeHandler {

    private static final System.Logger LOG = System.getLogger(LongPollingBrokerHandler.class.getName());
    private static final String SCRIPT = "/realtime/long-polling-broker.js";

    private final LongPollingHandler polling;
    private final Broker broker;
    private final List<AutoCloseable> owned;
    private final Map<String, Supplier<? extends Number>> metrics = new LinkedHashMap<>();
    private final HttpHandler script;
    private final AtomicBoolean closed = new AtomicBoolean();

    LongPollingBrokerHandler(LongPollingHandler polling, Broker broker, HttpSettings settings,
                             List<AutoCloseable> owned) {
        this.polling = polling;
        this.broker = broker;
        this.owned = List.copyOf(owned);
        RealtimeService service = polling.service();
        metrics.put("parked", polling::parkedCount);
        metrics.put("waiting", polling::waitingCount);
        metrics.put("woken", polling::wokenCount);
        metrics.put("timedOut", polling::timedOutCount);
        metrics.put("disconnected", polling::disconnectedCount);
        metrics.put("published", service::publishedCount);
        metrics.put("failedNotifications", service::failedNotifications);
        metrics.put("subscribers", service::subscriberCount);
        metrics.put("channels", service::channelCount);
        metrics.put("hubStoreReads", service::subscriptionReads);
        metrics.put("joinsFromMemory", service::joinsFromMemory);
        metrics.put("delivered", service::deliveredCount);
        metrics.put("storeQueries", service::storeQueries);
        if (broker != null) { // null over a shared service: its broker's counters are the service's
            metrics.put("brokerFailedPublishes", broker::failedPublishes);
        }
        if (broker instanceof RedisBroker redis) {
            metrics.put("brokerPublished", redis::publishCount);
            metrics.put("brokerReceived", redis::receivedCount);
            metrics.put("brokerReconnects", redis::reconnectCount);
            metrics.put("brokerHealthy", () -> redis.isHealthy() ? 1 : 0);
        }
        ByteBuffer body = load("long-polling-broker.js");
        this.script = new CorsHandler(settings, exchange -> {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/javascript; charset=utf-8");
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
            exchange.getResponseSender().send(body.duplicate());
        });
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String path = exchange.getRelativePath();
        boolean get = Methods.GET.equals(exchange.getRequestMethod());
        if (get && "/metrics".equals(path)) {
            Exchanges.sendJson(exchange, 200, metricsJson());
        } else if (SCRIPT.equals(path) && (get || Methods.OPTIONS.equals(exchange.getRequestMethod()))) {
            script.handleRequest(exchange);
        } else {
            polling.handleRequest(exchange);
        }
    }

    @Override
    public RealtimeService service() {
        return polling.service();
    }

    /** {@code "long-polling-broker"}. */
    @Override
    public String pattern() {
        return "long-polling-broker";
    }

    /**
     * The broker this node publishes to and is woken from.
     *
     * @return the broker this node publishes to and is woken from
     */
    public Broker broker() {
        return broker;
    }

    /**
     * Polls parked on this node now.
     *
     * @return polls parked on this node now
     */
    public int parkedCount() {
        return polling.parkedCount();
    }

    /**
     * Parked polls answered because a message arrived, since start.
     *
     * @return parked polls answered because a message arrived, since start
     */
    public long wokenCount() {
        return polling.wokenCount();
    }

    /**
     * Parked polls answered empty at their timeout, since start.
     *
     * @return parked polls answered empty at their timeout, since start
     */
    public long timedOutCount() {
        return polling.timedOutCount();
    }

    /**
     * Every counter of {@code GET /metrics}, read now (names as in the JSON).
     *
     * @return every counter of {@code GET /metrics}, read now (names as in the JSON)
     */
    public Map<String, Number> metrics() {
        Map<String, Number> now = new LinkedHashMap<>();
        metrics.forEach((name, value) -> now.put(name, value.get()));
        return now;
    }

    /**
     * Answers every parked poll (empty, at its cursor), stops the node's hub, then closes the store and
     * broker when the builder opened them. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        polling.close();
        closeAll(owned);
    }

    private String metricsJson() {
        return WireJson.write(out -> {
            out.writeStartObject();
            for (Map.Entry<String, Number> m : metrics().entrySet()) {
                out.writeNumberField(m.getKey(), m.getValue().longValue());
            }
            out.writeEndObject();
        });
    }

    static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable c : resources) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + c + " failed", e);
            }
        }
    }

    private static ByteBuffer load(String resource) {
        try (InputStream in = LongPollingBrokerHandler.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + resource);
            }
            return ByteBuffer.wrap(in.readAllBytes()).asReadOnlyBuffer();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }
}
