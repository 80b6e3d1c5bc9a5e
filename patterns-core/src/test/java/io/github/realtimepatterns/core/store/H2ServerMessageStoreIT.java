package io.github.realtimepatterns.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.StoreException;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract against an H2 TCP server, and two stores (two pools, as two nodes would) sharing it. */
class H2ServerMessageStoreIT extends MessageStoreContract {

    private static Server server;

    @BeforeAll
    static void startServer() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        server = Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists").start();
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    private static String newDatabaseUrl() {
        return "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/mem:it-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    @Override
    protected MessageStore newStore(Retention retention, Clock clock) {
        return MessageStores.jdbc(JdbcOptions.builder(newDatabaseUrl()).retention(retention).clock(clock).build());
    }

    @Override
    protected OptionalLong channelsHeld(MessageStore store) {
        return OptionalLong.of(((JdbcMessageStore) store).channelRows());
    }

    @Test
    void twoStoresOnOneDatabaseGetGapFreeIdsTogether() throws Exception {
        String url = newDatabaseUrl();
        try (MessageStore nodeA = MessageStores.jdbc(url); MessageStore nodeB = MessageStores.jdbc(url)) {
            int perWriter = 100;
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<List<Message>>> writes = new ArrayList<>();
                for (int w = 0; w < 8; w++) {
                    MessageStore node = w % 2 == 0 ? nodeA : nodeB;
                    int writer = w;
                    writes.add(pool.submit(() -> {
                        List<Message> mine = new ArrayList<>();
                        for (int i = 0; i < perWriter; i++) {
                            mine.add(node.append("shared", "{\"w\":" + writer + "}"));
                        }
                        return mine;
                    }));
                }
                List<Long> assigned = new ArrayList<>();
                for (Future<List<Message>> f : writes) {
                    f.get(60, TimeUnit.SECONDS).forEach(m -> assigned.add(m.id()));
                }
                List<Long> expected = LongStream.rangeClosed(1, 8L * perWriter).boxed().toList();
                assertThat(assigned).containsExactlyInAnyOrderElementsOf(expected);
                List<Long> read = new ArrayList<>();
                Cursor cursor = Cursor.after(0);
                while (true) {
                    var r = nodeB.read("shared", cursor, 1000);
                    r.messages().forEach(m -> read.add(m.id()));
                    cursor = Cursor.of(r.epoch(), r.cursor());
                    if (!r.hasMore()) {
                        break;
                    }
                }
                assertThat(read).containsExactlyElementsOf(expected);
                assertThat(nodeA.read("shared", Cursor.head(), 1).epoch())
                        .isEqualTo(nodeB.read("shared", Cursor.head(), 1).epoch());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void twoStoresRacingOneKeyStoreOneMessage() throws Exception {
        String url = newDatabaseUrl();
        try (MessageStore nodeA = MessageStores.jdbc(url); MessageStore nodeB = MessageStores.jdbc(url)) {
            assertRacingKeysStoreOneMessageEach(List.of(nodeA, nodeB), "keyed", 20);
        }
    }

    @Test
    void storeFailsWithStoreExceptionWhileTheServerIsDownAndRecoversAfter() throws SQLException {
        String url = newDatabaseUrl();
        try (MessageStore store = MessageStores.jdbc(url)) {
            store.append("chat", "1");
            int port = server.getPort();
            server.stop();
            assertThatThrownBy(store::checkHealth).isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> store.append("chat", "2")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("chat");
            server = Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists").start();
            store.checkHealth(); // pooled connections to the old server were dropped, not reused
            assertThat(store.append("chat", "2").id()).isEqualTo(2);
        }
    }
}
