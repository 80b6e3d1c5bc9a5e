package com.example.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.longpolling.LongPollingClient;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedisClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The team's test: its route, two patterns, two Java clients, publishing from Java, its pool left open. */
class ChatServerTest {

    private static void awaitSize(List<Message> messages, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (messages.size() < size) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + size + " messages within 30 s but got " + messages);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void twoPatternsBesideTheTeamsOwnRouteOverItsOwnPool() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:chat;DB_CLOSE_DELAY=-1");
        config.setMaximumPoolSize(5);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            try (ChatServer server = ChatServer.start(pool, 0)) {
                URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpResponse<String> hello = http.send(HttpRequest.newBuilder(base.resolve("hello")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals("hello", hello.body());

                List<Message> polled = new CopyOnWriteArrayList<>();
                List<Message> pushed = new CopyOnWriteArrayList<>();
                try (LongPollingClient poller = LongPollingClient.builder(base.resolve("poll/")).build();
                     WebSocketsRedisClient socket = new WebSocketsRedisClient(base.resolve("ws/"))) {
                    poller.subscribe("room", Cursor.after(0), polled::add);
                    socket.subscribe("room", Cursor.after(0), pushed::add);

                    Message first = server.announce("room", "{\"text\":\"from the server\"}");
                    assertEquals(1, first.id());
                    awaitSize(polled, 1);
                    awaitSize(pushed, 1);
                    // A client of one pattern publishes; the other pattern's subscriber is woken at once.
                    socket.publish("room", "{\"text\":\"from a socket\"}");
                    poller.publish("room", "{\"text\":\"from a poll\"}");
                    awaitSize(polled, 3);
                    awaitSize(pushed, 3);
                    assertEquals(List.of(1L, 2L, 3L), polled.stream().map(Message::id).toList());
                    assertEquals(List.of(1L, 2L, 3L), pushed.stream().map(Message::id).toList());
                    assertEquals("{\"text\":\"from a socket\"}", polled.get(1).data());
                }
            }
            // The library closed nothing of the team's: the pool still works, and holds the messages.
            assertFalse(pool.isClosed());
            try (Connection c = pool.getConnection();
                 ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM rp_messages WHERE channel = 'room'")) {
                assertTrue(rs.next());
                assertEquals(3, rs.getInt(1));
            }
        }
    }
}
