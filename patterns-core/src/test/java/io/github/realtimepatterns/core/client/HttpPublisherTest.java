package io.github.realtimepatterns.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.RealtimeException;
import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.PatternServer;
import io.github.realtimepatterns.core.http.RealtimeRoutes;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The publisher every Java client shares: an idempotency key on every publish, one retry on a lost answer. */
class HttpPublisherTest {

    private final MessageStore store = MessageStores.inMemory();
    private RealtimeService service;
    private PatternServer server;

    @BeforeEach
    void start() {
        service = RealtimeService.builder(store).build();
        server = PatternServer.start(RealtimeRoutes.builder(service, io.github.realtimepatterns.core.http.RequestEntry.of(HttpSettings.DEFAULTS)).build(), 0);
    }

    @AfterEach
    void stop() {
        server.close();
        service.close();
        store.close();
    }

    private static HttpPublisher publisher(java.net.URI base) {
        return new HttpPublisher(HttpPublisher.newHttpClient(), base, Duration.ofSeconds(10));
    }

    @Test
    void aPublishWhoseAnswerIsLostAfterTheCommitIsRetriedWithItsKeyAndStoredOnce() throws Exception {
        try (AnswerDroppingProxy proxy = new AnswerDroppingProxy(server.uri(), 1)) {
            HttpPublisher publisher = publisher(proxy.uri());
            Message first = publisher.publish("chat", "{\"n\":1}");
            assertThat(first.id()).isEqualTo(1);
            assertThat(store.read("chat", Cursor.after(0), 10).messages()).containsExactly(first);
            List<String> keys = proxy.keysSeen();
            assertThat(keys).hasSize(2);
            assertThat(keys.get(1)).isEqualTo(keys.get(0));
            assertThat(service.replayedCount()).isEqualTo(1);
            Message second = publisher.publish("chat", "{\"n\":2}");
            assertThat(second.id()).isEqualTo(2);
            assertThat(proxy.keysSeen()).hasSize(3).last().isNotEqualTo(keys.get(0));
        }
    }

    @Test
    void twoLostAnswersAreThrownNamingTheKeyWhichMakesALaterRetrySafe() throws Exception {
        try (AnswerDroppingProxy proxy = new AnswerDroppingProxy(server.uri(), 2)) {
            assertThatThrownBy(() -> publisher(proxy.uri()).publish("chat", "1", "my-key"))
                    .isInstanceOf(RealtimeException.class).hasMessageContaining("my-key");
            assertThat(store.head("chat")).isEqualTo(1);
            Message retried = publisher(server.uri()).publish("chat", "1", "my-key");
            assertThat(retried.id()).isEqualTo(1);
            assertThat(store.head("chat")).isEqualTo(1);
        }
    }
}
