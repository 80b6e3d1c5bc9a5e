package io.github.realtimepatterns.ssedbpolling.bench;

import io.github.realtimepatterns.core.change.StorePoller;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.standalone.Env;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.ssedbpolling.SseDbPolling;
import io.github.realtimepatterns.ssedbpolling.SseDbPollingHandler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * The server side of {@link SseDbPollingBench}, in its own JVM: an embedded H2 store and the handler on a
 * free port. Answers commands on stdin ({@code heap}, {@code stats}, {@code quit}) on stdout.
 */
public final class BenchServer {

    private BenchServer() {
    }

    /** {@code args[0]}: the poll interval, like {@code 500ms}. */
    public static void main(String[] args) throws Exception {
        MessageStore store = MessageStores.h2InMemory();
        StorePoller poller = StorePoller.builder(store).interval(Env.parseDuration(args[0])).build();
        SseDbPollingHandler handler = SseDbPolling.builder(store).changeSource(poller).build();
        PatternServer server = PatternServer.start(handler, 0);
        System.out.println("PORT " + server.port());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "heap" -> {
                    for (int i = 0; i < 3; i++) {
                        System.gc();
                        Thread.sleep(200);
                    }
                    System.out.println("HEAP " + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                }
                case "stats" -> {
                    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                    System.out.println("STATS " + ManagementFactory.getThreadMXBean().getThreadCount()
                            + " " + handler.openStreams() + " " + store.queryCount()
                            + " " + poller.pollCount()
                            + " " + os.getProcessCpuTime());
                }
                case "quit" -> {
                    server.close();
                    poller.close();
                    store.close();
                    System.out.println("BYE");
                    return;
                }
                default -> System.out.println("? " + line);
            }
        }
    }
}
