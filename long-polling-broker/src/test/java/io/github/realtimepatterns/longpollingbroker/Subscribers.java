package io.github.realtimepatterns.longpollingbroker;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.client.HttpPublisher;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RecordingListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Clients that each send every long-poll to the next node (round-robin, keeping the cursor), spread so
 * that at any time each node holds some of them; they share one HTTP/1.1 client.
 */
final class Subscribers implements AutoCloseable {

    private final HttpClient http = HttpPublisher.newHttpClient();
    private final List<LongPollingBrokerClient> clients = new ArrayList<>();
    private final List<RecordingListener> listeners = new ArrayList<>();

    Subscribers(List<URI> nodes, String channel, int count) {
        for (int i = 0; i < count; i++) {
            List<URI> rotated = new ArrayList<>(nodes);
            java.util.Collections.rotate(rotated, i);
            LongPollingBrokerClient client = LongPollingBrokerClient.builder(rotated)
                    .httpClient(http)
                    .wait(Duration.ofSeconds(5))
                    .requestTimeout(Duration.ofSeconds(5))
                    .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                    .build();
            RecordingListener listener = new RecordingListener();
            client.subscribe(channel, Cursor.after(0), listener);
            clients.add(client);
            listeners.add(listener);
        }
    }

    /** Waits until every subscriber has {@code count} messages, then checks they are exactly ids 1..count. */
    void awaitExactly(int count, Duration timeout) {
        Eventually.await(timeout, () -> listeners.stream().allMatch(l -> l.ids().size() >= count),
                () -> "every subscriber to receive " + count + " messages; got "
                        + listeners.stream().map(l -> l.ids().size()).toList());
        for (RecordingListener l : listeners) {
            assertThat(l.ids()).as("ids received by one subscriber: none lost, none twice, in order")
                    .containsExactlyElementsOf(RecordingListener.range(1, count));
        }
    }

    /** Whether every subscriber has received message {@code id}. */
    boolean allHave(long id) {
        return listeners.stream().allMatch(l -> l.ids().contains(id));
    }

    long requests() {
        return clients.stream().mapToLong(LongPollingBrokerClient::requestCount).sum();
    }

    @Override
    public void close() {
        clients.forEach(LongPollingBrokerClient::close);
    }
}
