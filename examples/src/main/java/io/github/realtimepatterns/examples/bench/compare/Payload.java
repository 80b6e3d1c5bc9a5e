package io.github.realtimepatterns.examples.bench.compare;

/**
 * The body of a comparison message: {@code {"seq":N,"t":NANOS,"pad":"xxx"}}, padded to a fixed size.
 * {@code t} is the intended send time on the harness's {@link System#nanoTime()} clock (relative to the
 * run's origin), so a listener in the same JVM measures latency from when the message was due, not from
 * when a delayed publisher got round to it.
 */
final class Payload {

    /** The smallest body that holds the fields. */
    static final int MIN_BYTES = 64;

    private Payload() {
    }

    /** A body of exactly {@code bytes} bytes (when {@code bytes >= MIN_BYTES}). */
    static String of(long seq, long intendedNanos, int bytes) {
        String head = "{\"seq\":" + seq + ",\"t\":" + intendedNanos + ",\"pad\":\"";
        int pad = Math.max(0, bytes - head.length() - 2);
        return head + "x".repeat(pad) + "\"}";
    }

    /** The {@code seq} of a body written by {@link #of}; -1 if it has none. */
    static long seq(String json) {
        return field(json, "\"seq\":");
    }

    /** The {@code t} of a body written by {@link #of}; -1 if it has none. */
    static long intendedNanos(String json) {
        return field(json, "\"t\":");
    }

    private static long field(String json, String key) {
        int at = json.indexOf(key);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        boolean any = false;
        for (int i = at + key.length(); i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
            any = true;
        }
        return any ? value : -1;
    }
}
