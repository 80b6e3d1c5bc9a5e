package io.github.realtimepatterns.examples.bench.compare;

import io.github.realtimepatterns.examples.bench.Args;
import io.github.realtimepatterns.examples.bench.Backends;
import io.github.realtimepatterns.examples.bench.PatternAdapter;
import io.github.realtimepatterns.examples.bench.Patterns;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code compare}: every selected pattern under the same workload, one after the other, then one table
 * (printed, and written with an SVG chart under {@code results/compare-<timestamp>/}).
 */
public final class CompareCommand {

    private CompareCommand() {
    }

    /** Runs {@code compare} with {@code argv}; returns 0 when every pattern ran, 1 otherwise. */
    public static int run(List<String> argv) {
        Args args = Args.parse("compare", argv, new HashSet<>(CompareSettings.valuedFlags()), Set.of("quick"));
        if (args.help()) {
            System.out.printf(CompareSettings.USAGE, Patterns.names());
            return 0;
        }
        if (Patterns.all().isEmpty()) {
            throw new IllegalArgumentException("compare: this build has no pattern modules yet");
        }
        CompareSettings settings = CompareSettings.from(args);
        PrintStream out = System.out;
        String workload = workload(settings);
        out.println("compare: " + workload);
        out.println("compare: " + settings.patterns().size() + " patterns, each on its own server JVM; clients, publisher"
                + " and clock in this one. " + machine());

        Backends.Redis redis = null;
        boolean wantRedis = settings.patterns().stream().anyMatch(PatternAdapter::wantsRedis);
        String redisNote = null;
        if (wantRedis) {
            redis = Backends.findRedis(line -> out.println("compare: " + line));
            if (redis == null) {
                redisNote = "no REDIS_URL and no redis-server on the PATH: the Redis patterns ran on the in-JVM broker";
            }
        }
        if (redisNote != null) {
            out.println("compare: " + redisNote);
        }

        List<PatternResult> results = new ArrayList<>();
        Progress progress = new Progress(out);
        try {
            for (PatternAdapter pattern : settings.patterns()) {
                String redisUrl = pattern.wantsRedis() && redis != null ? redis.url() : null;
                PatternRun run = new PatternRun(pattern, settings, redisUrl, progress::update);
                PatternResult result;
                try {
                    result = run.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    progress.done();
                    out.println("compare: interrupted");
                    return 1;
                } catch (IOException | RuntimeException e) {
                    result = PatternResult.failure(pattern.name(), "failed: " + e.getMessage());
                }
                if (pattern.wantsRedis() && redisUrl == null && !result.failed()) {
                    result = withNote(result, result.note() + Report.NO_REDIS);
                }
                results.add(result);
                progress.done();
                out.println(String.format(Locale.ROOT, "compare: %-20s %s", pattern.name(), summary(result)));
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }

        out.println();
        out.print(Report.text(results));
        out.println();
        for (String note : Report.notes(results)) {
            out.println("  " + note);
        }
        Path folder = write(settings, results, workload, redisNote);
        out.println();
        out.println("compare: wrote " + folder.resolve("results.md") + " and " + folder.resolve("chart.svg"));
        return results.stream().anyMatch(PatternResult::failed) ? 1 : 0;
    }

    private static PatternResult withNote(PatternResult r, String note) {
        return new PatternResult(r.pattern(), note, r.failed(), r.expected(), r.delivered(), r.duplicated(),
                r.outOfOrder(), r.latency(), r.sessionDeliveries(), r.requests(), r.wireBytes(), r.connections(),
                r.cpuNanos(), r.windowDeliveries(), r.windowSeconds(), r.heapPerConnection(), r.storeQueries(),
                r.clientErrors());
    }

    private static String summary(PatternResult r) {
        if (r.failed()) {
            return r.note();
        }
        return String.format(Locale.ROOT, "delivered %,d/%,d, lost %,d, p99 %.1f ms", r.delivered(), r.expected(),
                r.lost(), r.latencyMillis(99));
    }

    private static String workload(CompareSettings s) {
        return String.format(Locale.ROOT, "%d subscribers on %d channel%s, %d msg/s for %ds (%,d messages of %d bytes), "
                        + "short-poll interval %dms, SSE poll interval %dms", s.subscribers(), s.channels(),
                s.channels() == 1 ? "" : "s", s.rate(), s.duration().toSeconds(), s.messages(), s.payloadBytes(),
                s.tuning().pollInterval().toMillis(), s.tuning().ssePollInterval().toMillis());
    }

    private static String machine() {
        return String.format(Locale.ROOT, "Machine: %d cores, Java %s, %s %s.", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    private static Path write(CompareSettings settings, List<PatternResult> results, String workload, String redisNote) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path folder = settings.results().resolve("compare-" + stamp);
        StringBuilder md = new StringBuilder();
        md.append("# Realtime patterns compared\n\n");
        md.append("Workload: ").append(workload).append(".  \n");
        md.append(machine()).append(" Run at ").append(stamp).append(".\n\n");
        md.append(Report.markdown(results)).append('\n');
        md.append("![latency and requests per message](chart.svg)\n\n");
        md.append("## How it ran\n\n");
        if (redisNote != null) {
            md.append("- ").append(redisNote).append('\n');
        }
        for (String note : Report.notes(results)) {
            md.append("- ").append(note).append('\n');
        }
        md.append("""

                ## How to read it

                - Each server ran in its own JVM; the subscribers (the patterns' own Java clients), the publisher and
                  the clock that times every delivery ran in the harness JVM.
                - Latency is measured from each message's intended send time on a fixed schedule, so a stalled
                  publisher shows up as latency instead of hiding it (no coordinated omission).
                - Requests and bytes per message cover the whole session (connecting included) and count only the
                  subscribers' traffic, measured by a byte-counting proxy in front of the server and a request counter
                  in it; publishing went straight to the server.
                - Server CPU and store queries cover the publish-and-drain window; heap per connection is the server's
                  heap after a full GC with every subscriber connected, minus the same before they connected.
                - Every number comes from one shared machine in one run: compare patterns with each other, not with
                  other machines.
                """);
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("results.md"), md.toString(), StandardCharsets.UTF_8);
            Files.writeString(folder.resolve("chart.svg"), SvgChart.render(results, workload), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + folder, e);
        }
        return folder.toAbsolutePath().normalize();
    }

    /** One status line, rewritten in place on a terminal, printed every few seconds otherwise. */
    private static final class Progress {
        private final PrintStream out;
        private final boolean terminal = System.console() != null;
        private long last;
        private int width;

        Progress(PrintStream out) {
            this.out = out;
        }

        synchronized void update(String line) {
            long now = System.nanoTime();
            if (now - last < (terminal ? 250_000_000L : 5_000_000_000L)) {
                return;
            }
            last = now;
            if (terminal) {
                out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
                width = line.length();
            } else {
                out.println("  " + line);
            }
            out.flush();
        }

        synchronized void done() {
            if (terminal && width > 0) {
                out.print("\r" + " ".repeat(width) + "\r");
                out.flush();
            }
            width = 0;
            last = 0;
        }
    }
}
