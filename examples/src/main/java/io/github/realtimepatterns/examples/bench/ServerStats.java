package io.github.realtimepatterns.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.http.Exchanges;
import io.github.realtimepatterns.core.store.MessageStore;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code GET /__stats} of a serve process: its transport and publish requests, process CPU time, heap in
 * use ({@code ?gc=true} collects first, so the number is live data, not garbage), and the store's query
 * count. What the comparison reads before and after a run to cost a pattern.
 *
 * @param requests    subscriber requests so far
 * @param publishes   publish requests so far
 * @param cpuNanos    CPU time of the whole server process so far
 * @param heapBytes   heap in use
 * @param storeQueries queries the store has run
 */
public record ServerStats(long requests, long publishes, long cpuNanos, long heapBytes, long storeQueries) {

    /** Parses the JSON {@link #handler} sends. */
    public static ServerStats parse(String json) {
        JsonNode n = WireJson.tree(json);
        return new ServerStats(n.path("requests").asLong(), n.path("publishes").asLong(), n.path("cpuNanos").asLong(),
                n.path("heapBytes").asLong(), n.path("storeQueries").asLong());
    }

    /** The {@code /__stats} handler over {@code counter} and {@code store}. */
    public static HttpHandler handler(RequestCounter counter, MessageStore store) {
        return handler(counter::requests, counter::publishes, store);
    }

    /** The {@code /__stats} handler over the given counts and {@code store}, with extra named counters. */
    public static HttpHandler handler(LongSupplier requests, LongSupplier publishes, MessageStore store) {
        return handler(requests, publishes, store, Map.of());
    }

    /** The same, with {@code extra} numbers added to the JSON (say, requests per pattern in the demo). */
    public static HttpHandler handler(LongSupplier requests, LongSupplier publishes, MessageStore store,
                                      Map<String, LongSupplier> extra) {
        return exchange -> {
            if (exchange.isInIoThread()) {
                exchange.dispatch(ServerStats.handler(requests, publishes, store, extra));
                return;
            }
            boolean gc = exchange.getQueryParameters().containsKey("gc");
            send(exchange, requests.getAsLong(), publishes.getAsLong(), store, gc, extra);
        };
    }

    private static void send(HttpServerExchange exchange, long requests, long publishes, MessageStore store, boolean gc,
                             Map<String, LongSupplier> extra) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        if (gc) {
            // Twice: the first collection may only promote, the second frees what the first left behind.
            System.gc();
            System.gc();
        }
        long heap = memory.getHeapMemoryUsage().getUsed();
        long cpu = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
        String json = WireJson.write(out -> {
            out.writeStartObject();
            out.writeNumberField("requests", requests);
            out.writeNumberField("publishes", publishes);
            out.writeNumberField("cpuNanos", cpu);
            out.writeNumberField("heapBytes", heap);
            out.writeNumberField("storeQueries", store.queryCount());
            for (Map.Entry<String, LongSupplier> e : extra.entrySet()) {
                out.writeNumberField(e.getKey(), e.getValue().getAsLong());
            }
            out.writeEndObject();
        });
        Exchanges.sendJson(exchange, 200, json);
    }
}
