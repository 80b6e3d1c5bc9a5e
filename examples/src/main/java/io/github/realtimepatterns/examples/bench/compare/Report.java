package io.github.realtimepatterns.examples.bench.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The comparison as a table: one row per pattern, the same columns in the terminal and in Markdown.
 */
final class Report {

    /** Column headers; the first two lines of a header cell in the terminal, one line in Markdown. */
    static final List<String> HEADERS = List.of("pattern", "delivered / expected", "lost", "dup", "out of order",
            "p50 ms", "p99 ms", "max ms", "requests / msg", "bytes / msg", "server CPU ms / 1k", "heap KB / conn",
            "store queries / s");

    /** Added to the note of a Redis pattern that ran on the in-JVM broker; its row is marked with a star. */
    static final String NO_REDIS = " (no Redis found: ran on the in-JVM broker)";

    private Report() {
    }

    /** The cells of {@code r}'s row, formatted. */
    static List<String> cells(PatternResult r) {
        if (r.failed()) {
            List<String> row = new ArrayList<>();
            row.add(r.pattern());
            row.add("failed");
            while (row.size() < HEADERS.size()) {
                row.add("-");
            }
            return row;
        }
        return List.of(r.note().endsWith(NO_REDIS) ? r.pattern() + " *" : r.pattern(),
                String.format(Locale.ROOT, "%,d / %,d", r.delivered(), r.expected()),
                String.format(Locale.ROOT, "%,d", r.lost()),
                String.format(Locale.ROOT, "%,d", r.duplicated()),
                String.format(Locale.ROOT, "%,d", r.outOfOrder()),
                number(r.latencyMillis(50)),
                number(r.latencyMillis(99)),
                number(r.maxLatencyMillis()),
                String.format(Locale.ROOT, "%.3f", r.requestsPerMessage()),
                String.format(Locale.ROOT, "%,.0f", r.bytesPerMessage()),
                String.format(Locale.ROOT, "%,.1f", r.cpuMillisPerThousand()),
                String.format(Locale.ROOT, "%,.1f", r.heapPerConnection() / 1024),
                String.format(Locale.ROOT, "%,.1f", r.storeQueriesPerSecond()));
    }

    /** A fixed-width table for the terminal. */
    static String text(List<PatternResult> results) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADERS);
        results.forEach(r -> rows.add(cells(r)));
        int[] widths = new int[HEADERS.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                String pad = " ".repeat(widths[i] - cell.length());
                out.append(i == 0 ? cell + pad : pad + cell).append(i + 1 < row.size() ? "  " : "");
            }
            out.append('\n');
            if (r == 0) {
                int total = 0;
                for (int w : widths) {
                    total += w + 2;
                }
                out.append("-".repeat(total - 2)).append('\n');
            }
        }
        return out.toString();
    }

    /** A Markdown table. */
    static String markdown(List<PatternResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("| ").append(String.join(" | ", HEADERS)).append(" |\n|");
        for (int i = 0; i < HEADERS.size(); i++) {
            out.append(i == 0 ? "---|" : "---:|");
        }
        out.append('\n');
        for (PatternResult r : results) {
            out.append("| ").append(String.join(" | ", cells(r))).append(" |\n");
        }
        return out.toString();
    }

    /** One line per pattern on how it ran (its broker) and anything odd (failures, client errors). */
    static List<String> notes(List<PatternResult> results) {
        List<String> notes = new ArrayList<>();
        for (PatternResult r : results) {
            String line = (r.note().endsWith(NO_REDIS) ? r.pattern() + " *" : r.pattern()) + ": " + r.note();
            if (!r.failed()) {
                line += String.format(Locale.ROOT, "; %,d connections; %,d requests; %,d bytes on the wire",
                        r.connections(), r.requests(), r.wireBytes());
                if (r.clientErrors() > 0) {
                    line += "; " + r.clientErrors() + " transient client errors (retried from the cursor)";
                }
            }
            notes.add(line);
        }
        return notes;
    }

    private static String number(double millis) {
        if (Double.isNaN(millis)) {
            return "-";
        }
        return millis >= 100 ? String.format(Locale.ROOT, "%,.0f", millis) : String.format(Locale.ROOT, "%.1f", millis);
    }
}
