package io.github.realtimepatterns.ssedbpolling;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.change.StorePoller;
import io.github.realtimepatterns.core.client.ClientSubscription;
import io.github.realtimepatterns.core.client.HttpPublisher;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RecordingListener;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Nodes that share only a database: polling cost per node and delivery of what other writers commit. */
class SharedDatabaseTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(0, c);
        return c;
    }

    private static String sharedH2() {
        return "jdbc:h2:mem:sse-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    /** Store queries per poll tick on an idle node with {@code clients} streams over {@code channels}. */
    private double queriesPerTick(int clients, int channels) {
        String url = sharedH2();
        MessageStore store = keep(MessageStores.jdbc(url));
        MessageStore writer = keep(MessageStores.jdbc(url));
        // The test counts the poller's ticks, so it makes the poller (as the handler would) and keeps it.
        StorePoller poller = keep(StorePoller.builder(store).interval(Duration.ofMillis(50)).build());
        SseDbPollingHandler handler = SseDbPolling.builder(store).changeSource(poller)
                .sweepInterval(Duration.ofHours(1)).build();
        PatternServer server = keep(PatternServer.start(handler, 0));
        HttpClient http = HttpPublisher.newHttpClient();
        long ticks0 = 0;
        long queries0 = 0;
        SseClient client = keep(SseClient.builder(server.uri()).httpClient(http).build());
        List<RecordingListener> listeners = new ArrayList<>();
        List<ClientSubscription> subs = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            RecordingListener l = new RecordingListener();
            listeners.add(l);
            subs.add(client.subscribe("ch" + (i % channels), Cursor.head(), l));
        }
        Eventually.await(() -> subs.stream().allMatch(s -> s.position().epoch() != null),
                "every stream established");
        // A first message per channel settles the start-up reads (the poller's first tick of a channel
        // asks the hub to resync); then messages committed by another writer are counted.
        for (int round = 1; round <= 2; round++) {
            for (int c = 0; c < channels; c++) {
                writer.append("ch" + c, "{\"c\":" + c + "}");
            }
            for (RecordingListener l : listeners) {
                l.awaitCount(round);
            }
            if (round == 1) {
                ticks0 = poller.pollCount();
                queries0 = store.queryCount();
            }
        }
        long target = poller.pollCount() + 20;
        Eventually.await(() -> poller.pollCount() >= target, "20 more ticks");
        long ticks = poller.pollCount() - ticks0;
        long queries = store.queryCount() - queries0;
        return (double) queries / ticks;
    }

    @Test
    void storeQueriesPerTickDoNotGrowWithClients() {
        double one = queriesPerTick(1, 1);
        double many = queriesPerTick(200, 1);
        double spread = queriesPerTick(200, 20);
        System.out.printf("store queries per poll tick: 1 client %.2f, 200 clients on 1 channel %.2f,"
                + " 200 clients on 20 channels %.2f%n", one, many, spread);
        assertThat(one).isLessThanOrEqualTo(1.5);
        assertThat(many).isLessThanOrEqualTo(one + 0.5);
        assertThat(spread).isLessThanOrEqualTo(one + 0.5);
    }

    @Test
    void twoNodesOverOneDatabaseEachDeliverEveryMessage() throws Exception {
        Server db = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        keep(db::stop);
        String url = "jdbc:h2:tcp://127.0.0.1:" + db.getPort() + "/mem:sse-nodes-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1";
        List<PatternServer> nodes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            MessageStore store = keep(MessageStores.jdbc(url));
            nodes.add(keep(PatternServer.start(SseDbPolling.builder(store).pollInterval(Duration.ofMillis(100))
                    .build(), 0)));
        }
        List<RecordingListener> listeners = new ArrayList<>();
        for (PatternServer node : nodes) {
            SseClient client = keep(SseClient.create(node.uri()));
            for (int i = 0; i < 3; i++) {
                RecordingListener l = new RecordingListener();
                listeners.add(l);
                client.subscribe("room", Cursor.after(0), l);
            }
        }
        SseClient a = keep(SseClient.create(nodes.get(0).uri()));
        SseClient b = keep(SseClient.create(nodes.get(1).uri()));
        MessageStore otherProcess = keep(MessageStores.jdbc(url));
        for (int i = 0; i < 30; i++) {
            switch (i % 3) {
                case 0 -> a.publish("room", "{\"i\":" + i + "}");
                case 1 -> b.publish("room", "{\"i\":" + i + "}");
                default -> otherProcess.append("room", "{\"i\":" + i + "}");
            }
        }
        for (RecordingListener l : listeners) {
            l.awaitCount(30);
            assertThat(l.ids()).isEqualTo(RecordingListener.range(1, 30));
        }
    }
}
