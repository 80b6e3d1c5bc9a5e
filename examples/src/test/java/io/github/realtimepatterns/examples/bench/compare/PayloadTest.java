package io.github.realtimepatterns.examples.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.WireJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadTest {

    @Test
    void hasExactlyTheRequestedSizeAndSurvivesTheStoresCompaction() {
        String body = Payload.of(12_345, 987_654_321_000L, 100);
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(100);
        String stored = WireJson.compact(body);
        assertThat(Payload.seq(stored)).isEqualTo(12_345);
        assertThat(Payload.intendedNanos(stored)).isEqualTo(987_654_321_000L);
    }

    @Test
    void readsMinusOneFromABodyItDidNotWrite() {
        assertThat(Payload.seq("{\"text\":\"hello\"}")).isEqualTo(-1);
    }
}
