package io.github.realtimepatterns.core.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SendLimitsTest {

    private final SendLimits limits = SendLimits.of(100, 100_000, 1000, 1_000_000, Duration.ofSeconds(5));

    @Test
    void theLowWaterIsHalfTheHighWaterUnlessSet() {
        assertThat(limits.lowWaterMessages()).isEqualTo(50);
        assertThat(limits.lowWaterBytes()).isEqualTo(50_000);
        SendLimits set = limits.withLowWater(10, 2048).validate();
        assertThat(set.lowWaterMessages()).isEqualTo(10);
        assertThat(set.lowWaterBytes()).isEqualTo(2048);
        assertThat(set.highWaterMessages()).isEqualTo(100);
        assertThat(limits.withHighWater(10, 4096).lowWaterMessages()).as("follows the high water").isEqualTo(5);
    }

    @Test
    void badValuesAreRefusedNamingTheKnob() {
        assertThatThrownBy(() -> limits.withHighWater(1, 4096)).hasMessageContaining("highWater");
        assertThatThrownBy(() -> limits.withHighWater(10, 10)).hasMessageContaining("highWater");
        assertThatThrownBy(() -> limits.withLowWater(-1, 0)).hasMessageContaining("lowWater");
        assertThatThrownBy(() -> limits.withMaxQueued(0, 1)).hasMessageContaining("maxQueued");
        assertThatThrownBy(() -> limits.withStallTimeout(Duration.ZERO)).hasMessageContaining("stallTimeout");
    }

    @Test
    void marksThatDoNotFitTogetherAreRefusedWhenValidated() {
        assertThatThrownBy(() -> limits.withMaxQueued(50, 1_000_000).validate()).hasMessageContaining("maxQueued")
                .hasMessageContaining("highWater");
        assertThatThrownBy(() -> limits.withLowWater(200, 10).validate()).hasMessageContaining("lowWater");
        assertThatThrownBy(() -> new Outboxes(limits.withMaxQueued(10, 10))).hasMessageContaining("maxQueued");
    }
}
