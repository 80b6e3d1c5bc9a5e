package com.example.chat;

import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.longpolling.LongPolling;
import io.github.realtimepatterns.longpolling.LongPollingHandler;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedis;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedisHandler;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import javax.sql.DataSource;

/** The team's own server: its own route, and two realtime patterns over its own database pool. */
public final class ChatServer implements AutoCloseable {

    private final MessageStore store;
    private final RealtimeService realtime;
    private final LongPollingHandler longPolling;
    private final WebSocketsRedisHandler webSockets;
    private final Undertow undertow;

    private ChatServer(DataSource dataSource, int port) {
        // snippet: add-to-your-server
        MessageStore store = MessageStores.jdbc(dataSource);               // your pool, used as given
        RealtimeService realtime = RealtimeService.builder(store).build(); // one service, every pattern
        LongPollingHandler longPolling = LongPolling.builder(realtime).build();
        WebSocketsRedisHandler webSockets = WebSocketsRedis.builder(realtime).build();
        Undertow undertow = Undertow.builder()
                .addHttpListener(port, "127.0.0.1")
                .setHandler(Handlers.path()
                        .addExactPath("/hello", exchange -> exchange.getResponseSender().send("hello"))
                        .addPrefixPath("/poll", longPolling)               // long-polling under /poll/
                        .addPrefixPath("/ws", webSockets))                 // WebSockets under /ws/
                .build();
        undertow.start();
        realtime.publish("lobby", "{\"text\":\"server started\"}");       // publish from your own code
        // end snippet: add-to-your-server
        this.store = store;
        this.realtime = realtime;
        this.longPolling = longPolling;
        this.webSockets = webSockets;
        this.undertow = undertow;
    }

    /** Starts the server on {@code port} (0: any free one) over {@code dataSource}. */
    public static ChatServer start(DataSource dataSource, int port) {
        return new ChatServer(dataSource, port);
    }

    /** The port it listens on. */
    public int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** Publishes from the server's own code: stored, then delivered to every subscriber of both patterns. */
    public Message announce(String channel, String json) {
        return longPolling.service().publish(channel, json); // any mounted handler's service: the shared one
    }

    @Override
    public void close() {
        undertow.stop();
        longPolling.close();
        webSockets.close();
        realtime.close();
        store.close();
    }
}
