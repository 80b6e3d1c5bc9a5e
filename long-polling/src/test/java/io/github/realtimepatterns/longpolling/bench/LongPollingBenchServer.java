package io.github.realtimepatterns.longpolling.bench;

import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.http.Exchanges;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.longpolling.LongPolling;
import io.github.realtimepatterns.longpolling.LongPollingHandler;
import io.undertow.Handlers;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server side of {@link LongPollingBench}: a long-polling handler with the defaults (in-memory store,
 * in-JVM broker) plus {@code GET /bench/stats}, which collects garbage and reports the live heap and the
 * threads of this JVM. Prints {@code BENCH-PORT <port>} when ready; stops on SIGTERM.
 */
public final class LongPollingBenchServer {

    private LongPollingBenchServer() {
    }

    /** Starts on a free loopback port and blocks. */
    public static void main(String[] args) throws InterruptedException {
        MessageStore store = MessageStores.inMemory();
        LongPollingHandler handler = LongPolling.builder(store)
                .timeout(Duration.ofSeconds(60)).maxTimeout(Duration.ofSeconds(120)).build();
        PatternServer server = PatternServer.start(Handlers.path(handler).addExactPath("/bench/stats",
                exchange -> Exchanges.dispatch(exchange, () -> Exchanges.sendJson(exchange, 200, stats(handler)))), 0);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            handler.close();
            server.close();
            store.close();
        }));
        System.out.println("BENCH-PORT " + server.port());
        System.out.flush();
        Thread.currentThread().join();
    }

    private static String stats(LongPollingHandler handler) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        Map<String, Integer> threads = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String group = t.getName().replaceAll("[-_ #]?\\d+$", "").replaceAll("\\d+", "N");
            threads.merge(group, 1, Integer::sum);
        }
        int total = ManagementFactory.getThreadMXBean().getThreadCount();
        return WireJson.write(out -> {
            out.writeStartObject();
            out.writeNumberField("heapUsed", heap);
            out.writeNumberField("threads", total);
            out.writeNumberField("parked", handler.parkedCount());
            out.writeObjectFieldStart("threadGroups");
            for (Map.Entry<String, Integer> e : threads.entrySet()) {
                out.writeNumberField(e.getKey(), e.getValue());
            }
            out.writeEndObject();
            out.writeEndObject();
        });
    }
}
