package io.github.realtimepatterns.examples.bench;

import io.github.realtimepatterns.longpolling.LongPolling;
import io.github.realtimepatterns.longpolling.LongPollingClient;
import io.github.realtimepatterns.longpollingbroker.LongPollingBroker;
import io.github.realtimepatterns.longpollingbroker.LongPollingBrokerClient;
import io.github.realtimepatterns.polling.Polling;
import io.github.realtimepatterns.polling.PollingClient;
import io.github.realtimepatterns.ssedbpolling.SseClient;
import io.github.realtimepatterns.ssedbpolling.SseDbPolling;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedis;
import io.github.realtimepatterns.websocketsredis.WebSocketsRedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The patterns this build of the examples knows, in the order of the module table. */
public final class Patterns {

    private static final List<PatternAdapter> ALL = List.of(
            new PatternAdapter("polling", false,
                    (store, broker, tuning) -> Polling.builder(store).broker(broker).build(),
                    (base, http, tuning) -> PollingClient.builder(base).httpClient(http)
                            .interval(tuning.pollInterval()).build(),
                    tuning -> "{\"interval\":" + tuning.pollInterval().toMillis() + "}"),
            new PatternAdapter("long-polling", false,
                    (store, broker, tuning) -> LongPolling.builder(store).broker(broker)
                            .timeout(tuning.longPollTimeout()).maxTimeout(atLeastAMinute(tuning.longPollTimeout()))
                            .build(),
                    (base, http, tuning) -> LongPollingClient.builder(base).httpClient(http)
                            .wait(tuning.longPollTimeout()).build(),
                    tuning -> "{\"wait\":" + Math.max(1000, tuning.longPollTimeout().toMillis()) + "}"),
            new PatternAdapter("long-polling-broker", true,
                    (store, broker, tuning) -> LongPollingBroker.builder(store, broker)
                            .timeout(tuning.longPollTimeout()).maxTimeout(atLeastAMinute(tuning.longPollTimeout()))
                            .build(),
                    (base, http, tuning) -> LongPollingBrokerClient.builder(List.of(base)).httpClient(http)
                            .wait(tuning.longPollTimeout()).build(),
                    tuning -> "{\"wait\":" + Math.max(1000, tuning.longPollTimeout().toMillis()) + "}"),
            new PatternAdapter("sse-db-polling", false,
                    (store, broker, tuning) -> SseDbPolling.builder(store).broker(broker)
                            .pollInterval(tuning.ssePollInterval()).build(),
                    (base, http, tuning) -> SseClient.builder(base).httpClient(http).build(),
                    tuning -> "{}"),
            new PatternAdapter("websockets-redis", true,
                    (store, broker, tuning) -> WebSocketsRedis.builder(store).broker(broker).build(),
                    (base, http, tuning) -> new WebSocketsRedisClient(base, http, Duration.ofMillis(100),
                            Duration.ofSeconds(10)),
                    tuning -> "{}"));

    private Patterns() {
    }

    /** The longest hold a long-polling server allows: its default (60 s), or the timeout if that is longer. */
    private static Duration atLeastAMinute(Duration timeout) {
        Duration minute = Duration.ofSeconds(60);
        return timeout.compareTo(minute) > 0 ? timeout : minute;
    }

    /** Every pattern, in the order of the module table. */
    public static List<PatternAdapter> all() {
        return ALL;
    }

    /** The pattern called {@code name}. */
    public static PatternAdapter named(String name) {
        for (PatternAdapter p : ALL) {
            if (p.name().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown pattern \"" + name + "\"; this build has: " + names());
    }

    /** A comma-separated subset such as {@code polling,sse-db-polling}, or every pattern for {@code null} or "all". */
    public static List<PatternAdapter> select(String csv) {
        if (csv == null || csv.isBlank() || csv.trim().equals("all")) {
            return ALL;
        }
        List<PatternAdapter> picked = new ArrayList<>();
        for (String name : csv.split(",")) {
            if (!name.isBlank()) {
                PatternAdapter p = named(name);
                if (!picked.contains(p)) {
                    picked.add(p);
                }
            }
        }
        if (picked.isEmpty()) {
            throw new IllegalArgumentException("no pattern named in \"" + csv + "\"; this build has: " + names());
        }
        return List.copyOf(picked);
    }

    /** The names, comma-separated. */
    public static String names() {
        return ALL.isEmpty() ? "(none yet)" : ALL.stream().map(PatternAdapter::name).collect(Collectors.joining(", "));
    }
}
