package io.github.realtimepatterns.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {

    private static Args parse(String... args) {
        return Args.parse("compare", List.of(args), Set.of("rate", "duration", "patterns"), Set.of("quick"));
    }

    @Test
    void readsSpaceAndEqualsFormsAndSwitches() {
        Args args = parse("--rate", "50", "--duration=2m", "--quick");
        assertThat(args.integer("rate", 20, 1, 100)).isEqualTo(50);
        assertThat(args.duration("duration", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
        assertThat(args.has("quick")).isTrue();
        assertThat(args.help()).isFalse();
        assertThat(args.string("patterns", "all")).isEqualTo("all");
    }

    @Test
    void acceptsHelpOnEveryCommand() {
        assertThat(parse("--help").help()).isTrue();
    }

    @Test
    void refusesUnknownFlagsNamingThem() {
        assertThatThrownBy(() -> parse("--rat", "5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--rat");
    }

    @Test
    void refusesAFlagWithoutItsValue() {
        assertThatThrownBy(() -> parse("--rate")).hasMessageContaining("--rate needs a value");
    }

    @Test
    void refusesValuesOutOfRangeNamingTheFlag() {
        assertThatThrownBy(() -> parse("--rate", "0").integer("rate", 20, 1, 100))
                .hasMessageContaining("--rate must be in 1..100 but was 0");
        assertThatThrownBy(() -> parse("--rate", "fast").integer("rate", 20, 1, 100))
                .hasMessageContaining("--rate must be a whole number");
        assertThatThrownBy(() -> parse("--duration", "soon").duration("duration", Duration.ZERO))
                .hasMessageContaining("--duration must be a duration");
    }

    @Test
    void refusesPositionalArguments() {
        assertThatThrownBy(() -> parse("polling")).hasMessageContaining("unexpected argument \"polling\"");
    }

    @Test
    void refusesAValueOnASwitch() {
        assertThatThrownBy(() -> parse("--quick=yes")).hasMessageContaining("--quick takes no value");
    }
}
