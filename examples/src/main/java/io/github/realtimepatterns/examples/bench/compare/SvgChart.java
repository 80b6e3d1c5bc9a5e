package io.github.realtimepatterns.examples.bench.compare;

import java.util.List;
import java.util.Locale;

/**
 * The comparison as a hand-written SVG: latency percentiles per pattern (p50, p90, p99, max on a log
 * scale) and HTTP requests per delivered message. No library, no script: it opens in any browser and
 * renders on GitHub.
 */
final class SvgChart {

    private static final int WIDTH = 960;
    private static final int LABEL = 170;
    private static final int PLOT = 620;
    private static final String[] SHADES = {"#9ecae1", "#4292c6", "#08519c", "#08306b"};
    private static final double[] PERCENTILES = {50, 90, 99, 100};
    private static final String[] NAMES = {"p50", "p90", "p99", "max"};

    private SvgChart() {
    }

    /** The chart of {@code results}; {@code subtitle} says what workload produced them. */
    static String render(List<PatternResult> results, String subtitle) {
        List<PatternResult> ok = results.stream().filter(r -> !r.failed() && r.latency().getTotalCount() > 0).toList();
        int latencyRow = 4 * 11 + 14;
        int requestRow = 26;
        int y = 0;
        StringBuilder body = new StringBuilder();
        body.append(text(20, y += 30, "Realtime patterns under one workload", "title"));
        body.append(text(20, y += 20, subtitle, "sub"));

        y += 34;
        body.append(text(20, y, "Latency from intended send time to delivery (ms, log scale)", "head"));
        y += 12;
        double maxMs = 1;
        double minMs = Double.MAX_VALUE;
        for (PatternResult r : ok) {
            maxMs = Math.max(maxMs, r.maxLatencyMillis());
            minMs = Math.min(minMs, r.latencyMillis(50));
        }
        // The axis starts at the decade below the fastest median (never below 0.1 ms), so no bar is a sliver.
        double lo = Math.max(0.1, Math.pow(10, Math.floor(Math.log10(Math.max(minMs, 0.1)))));
        double hi = Math.max(lo * 10, Math.pow(10, Math.ceil(Math.log10(maxMs))));
        int axisTop = y;
        int plotHeight = ok.size() * latencyRow;
        for (double tick = lo; tick <= hi * 1.0001; tick *= 10) {
            double x = LABEL + PLOT * Math.log10(tick / lo) / Math.log10(hi / lo);
            body.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>%n",
                    x, axisTop, x, axisTop + plotHeight));
            body.append(text(x, axisTop + plotHeight + 14, format(tick), "tick", "middle"));
        }
        for (PatternResult r : ok) {
            body.append(text(LABEL - 10, y + latencyRow / 2.0 + 2, r.pattern(), "label", "end"));
            for (int i = 0; i < PERCENTILES.length; i++) {
                double ms = i == 3 ? r.maxLatencyMillis() : r.latencyMillis(PERCENTILES[i]);
                double w = PLOT * Math.max(0, Math.log10(Math.max(ms, lo) / lo)) / Math.log10(hi / lo);
                int by = y + 6 + i * 11;
                body.append(String.format(Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"9\" fill=\"%s\"><title>%s %s: %s ms</title></rect>%n",
                        LABEL, by, Math.max(1, w), SHADES[i], escape(r.pattern()), NAMES[i], format(ms)));
                body.append(text(LABEL + Math.max(1, w) + 4, by + 8, NAMES[i] + " " + format(ms), "value"));
            }
            y += latencyRow;
        }
        y += 50;
        body.append(text(20, y, "HTTP requests per delivered message (subscribers' requests, whole session)", "head"));
        y += 12;
        double maxReq = 0;
        for (PatternResult r : ok) {
            maxReq = Math.max(maxReq, r.requestsPerMessage());
        }
        maxReq = maxReq <= 0 ? 1 : maxReq;
        for (PatternResult r : ok) {
            double v = r.requestsPerMessage();
            double w = PLOT * v / maxReq;
            body.append(text(LABEL - 10, y + 15, r.pattern(), "label", "end"));
            body.append(String.format(Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#e6550d\"><title>%s: %.4f</title></rect>%n",
                    LABEL, y + 4, Math.max(1, w), escape(r.pattern()), v));
            body.append(text(LABEL + Math.max(1, w) + 4, y + 16, String.format(Locale.ROOT, "%.3f", v), "value"));
            y += requestRow;
        }
        y += 20;
        return String.format(Locale.ROOT, """
                <svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">
                <style>
                  .title { font-size: 20px; font-weight: 600; fill: #222; }
                  .sub { font-size: 12px; fill: #555; }
                  .head { font-size: 14px; font-weight: 600; fill: #333; }
                  .label { font-size: 13px; fill: #222; }
                  .value { font-size: 10px; fill: #444; }
                  .tick { font-size: 10px; fill: #777; }
                  .grid { stroke: #ddd; stroke-width: 1; }
                </style>
                <rect width="100%%" height="100%%" fill="#fff"/>
                %s</svg>
                """, WIDTH, y, WIDTH, y, body);
    }

    private static String text(double x, double y, String s, String cls) {
        return text(x, y, s, cls, "start");
    }

    private static String text(double x, double y, String s, String cls, String anchor) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"%s\" text-anchor=\"%s\">%s</text>%n",
                x, y, cls, anchor, escape(s));
    }

    private static String format(double ms) {
        if (Double.isNaN(ms)) {
            return "-";
        }
        if (ms >= 10) {
            return String.format(Locale.ROOT, "%,.0f", ms);
        }
        return ms >= 1 ? String.format(Locale.ROOT, "%.1f", ms) : String.format(Locale.ROOT, "%.2f", ms);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
