package io.github.realtimepatterns.examples.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static PatternResult result(String name, long latencyMicros, long requests) {
        Histogram h = new Histogram(3);
        for (int i = 0; i < 100; i++) {
            h.recordValue(latencyMicros + i);
        }
        return new PatternResult(name, "broker: in-JVM", false, 1000, 998, 1, 0, h, 1000, requests, 250_000, 10,
                2_000_000_000L, 1000, 10.0, 4096, 50, 0);
    }

    @Test
    void printsOneAlignedRowPerPatternWithItsCosts() {
        String table = Report.text(List.of(result("polling", 500_000, 50), result("websockets-redis", 1_000, 2),
                PatternResult.failure("sse-db-polling", "failed: boom")));
        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith("pattern").contains("p99 ms", "requests / msg");
        assertThat(lines.get(2)).startsWith("polling").contains("998 / 1,000", "0.050", "2,000.0", "4.0");
        assertThat(lines.get(4)).startsWith("sse-db-polling").contains("failed");
        assertThat(lines.stream().map(String::length).distinct()).hasSize(1);
    }

    @Test
    void writesAMarkdownTableWithTheSameColumns() {
        String md = Report.markdown(List.of(result("polling", 1000, 50)));
        assertThat(md.lines().toList()).hasSize(3);
        assertThat(md).contains("| polling | 998 / 1,000 | 2 | 1 | 0 |");
    }

    @Test
    void drawsAnSvgWithABarPerPercentileAndPerPattern() {
        String svg = SvgChart.render(List.of(result("polling", 500_000, 50), result("long-polling", 2_000, 900)),
                "200 subscribers");
        assertThat(svg).startsWith("<svg").contains("</svg>", "polling", "long-polling", "p99", "200 subscribers");
        assertThat(svg.split("<rect ").length - 1).as("background + 2 x 4 latency bars + 2 request bars").isEqualTo(11);
    }
}
