package io.github.realtimepatterns.longpollingbroker;

import io.github.realtimepatterns.core.broker.RedisBroker;
import io.github.realtimepatterns.core.client.HttpPublisher;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import java.net.URI;
import java.time.Duration;

/** One cluster node inside the test JVM: its own store pool, Redis broker, handler and server port. */
final class Node implements AutoCloseable {

    final MessageStore store;
    final RedisBroker broker;
    final LongPollingBrokerHandler handler;
    final PatternServer server;
    final HttpPublisher publisher;

    Node(MessageStore store, URI redis) {
        this.store = store;
        this.broker = RedisBroker.builder(redis)
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .pingInterval(Duration.ofMillis(500))
                .build();
        this.handler = LongPollingBroker.builder(store, broker)
                .timeout(Duration.ofSeconds(5))
                .sweepInterval(Duration.ofSeconds(3))
                .build();
        this.server = PatternServer.start(handler, 0);
        this.publisher = new HttpPublisher(HttpPublisher.newHttpClient(), server.uri(), Duration.ofSeconds(10));
    }

    Node(String jdbcUrl, URI redis) {
        this(MessageStores.jdbc(jdbcUrl), redis);
    }

    URI uri() {
        return server.uri();
    }

    long metric(String name) {
        return handler.metrics().get(name).longValue();
    }

    @Override
    public void close() {
        server.close();
        handler.close();
        broker.close();
        store.close();
    }
}
