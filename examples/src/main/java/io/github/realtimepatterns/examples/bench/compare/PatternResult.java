package io.github.realtimepatterns.examples.bench.compare;

import org.HdrHistogram.Histogram;

/**
 * What one pattern did under the workload. Latencies are in microseconds from each message's intended
 * send time to its arrival at the listener.
 *
 * @param pattern       the pattern's name
 * @param note          how it ran (its broker), or why it failed
 * @param failed        whether the run could not complete
 * @param expected      deliveries a lossless run makes
 * @param delivered     distinct messages delivered, summed over subscribers
 * @param duplicated    deliveries of a message the subscriber already had
 * @param outOfOrder    deliveries of a message older than one the subscriber already had
 * @param latency       latency of each first delivery, in microseconds
 * @param sessionDeliveries every delivery in the session, warm-up included: the divisor of the per-message costs
 * @param requests      subscriber HTTP requests the server saw during the session
 * @param wireBytes     bytes on the wire both ways during the session, headers and framing included
 * @param connections   TCP connections the clients opened during the session
 * @param cpuNanos      server CPU time while publishing and draining
 * @param windowDeliveries deliveries while publishing and draining: the divisor of the CPU cost
 * @param windowSeconds length of the publish-and-drain window
 * @param heapPerConnection server heap (after GC) per subscriber connection, in bytes
 * @param storeQueries  store queries while publishing and draining
 * @param clientErrors  transient errors the clients reported
 */
public record PatternResult(String pattern, String note, boolean failed, long expected, long delivered, long duplicated,
                            long outOfOrder, Histogram latency, long sessionDeliveries, long requests, long wireBytes,
                            long connections, long cpuNanos, long windowDeliveries, double windowSeconds,
                            double heapPerConnection, long storeQueries, long clientErrors) {

    /** A pattern that could not be measured, with the reason. */
    public static PatternResult failure(String pattern, String reason) {
        return new PatternResult(pattern, reason, true, 0, 0, 0, 0, new Histogram(3), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** Messages expected but never delivered. */
    public long lost() {
        return Math.max(0, expected - delivered);
    }

    /** Subscriber HTTP requests per delivered message. */
    public double requestsPerMessage() {
        return sessionDeliveries == 0 ? Double.NaN : (double) requests / sessionDeliveries;
    }

    /** Bytes on the wire per delivered message. */
    public double bytesPerMessage() {
        return sessionDeliveries == 0 ? Double.NaN : (double) wireBytes / sessionDeliveries;
    }

    /** Server CPU milliseconds per 1,000 deliveries. */
    public double cpuMillisPerThousand() {
        return windowDeliveries == 0 ? Double.NaN : cpuNanos / 1e6 / windowDeliveries * 1000;
    }

    /** Store queries per second. */
    public double storeQueriesPerSecond() {
        return windowSeconds <= 0 ? Double.NaN : storeQueries / windowSeconds;
    }

    /** The latency at {@code percentile} (0..100) in milliseconds. */
    public double latencyMillis(double percentile) {
        return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The largest latency in milliseconds. */
    public double maxLatencyMillis() {
        return latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1000.0;
    }
}
