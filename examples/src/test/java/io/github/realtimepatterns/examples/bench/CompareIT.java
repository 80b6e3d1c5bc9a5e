package io.github.realtimepatterns.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CompareIT {

    private static final Pattern ROW = Pattern.compile("compare: (\\S+)\\s+delivered ([\\d,]*\\d)/([\\d,]*\\d), lost ([\\d,]*\\d)");

    @Test
    @Timeout(240)
    void quickRunDeliversEveryMessageOnEveryPatternAndWritesTheReport() throws Exception {
        Assumptions.assumeFalse(Patterns.all().isEmpty(), "no pattern module in this build yet");
        Path results = Path.of("target", "it-results");
        List<String> output = new ArrayList<>();
        try (ChildProcess compare = ExamplesJar.start("compare", output, "compare", "--quick", "--subscribers", "20",
                "--results", results.toString())) {
            Eventually.await(Duration.ofSeconds(220), () -> !compare.isAlive(), "compare finishes");
        }
        List<String> lines;
        synchronized (output) {
            lines = List.copyOf(output);
        }
        List<String> seen = new ArrayList<>();
        for (String line : lines) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                seen.add(m.group(1));
                assertThat(m.group(2)).as(line).isEqualTo(m.group(3));
                assertThat(m.group(4)).as(line).isEqualTo("0");
                assertThat(Long.parseLong(m.group(3).replace(",", ""))).as(line).isGreaterThan(0);
            }
        }
        assertThat(seen).containsExactlyElementsOf(Patterns.all().stream().map(PatternAdapter::name).toList());
        assertThat(lines).anyMatch(l -> l.startsWith("pattern") && l.contains("p99 ms"));
        String wrote = lines.stream().filter(l -> l.startsWith("compare: wrote ")).findFirst().orElseThrow();
        Path markdown = Path.of(wrote.substring("compare: wrote ".length(), wrote.indexOf(" and ")));
        assertThat(Files.readString(markdown)).contains("| pattern |", "chart.svg");
        assertThat(Files.readString(markdown.resolveSibling("chart.svg"))).startsWith("<svg").contains("</svg>");
    }

    @Test
    void everyCommandExplainsItsFlags() throws Exception {
        for (String command : List.of("compare", "demo", "cluster", "serve")) {
            List<String> output = new ArrayList<>();
            try (ChildProcess help = ExamplesJar.start(command + "-help", output, command, "--help")) {
                Eventually.await(Duration.ofSeconds(30), () -> !help.isAlive(), command + " --help exits");
            }
            synchronized (output) {
                assertThat(output).as(command).anyMatch(l -> l.startsWith("Usage: java -jar realtime-patterns-examples.jar "
                        + command));
            }
        }
    }
}
