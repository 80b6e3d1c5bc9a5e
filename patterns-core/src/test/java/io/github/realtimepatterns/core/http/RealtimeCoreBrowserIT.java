package io.github.realtimepatterns.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.service.RealtimeService;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.HeadlessChromium;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code realtime-core.js}, as every handler serves it at {@code /realtime/realtime-core.js}, in headless
 * Chromium: the option vocabulary, the full-jitter backoff, and what {@code follow} does with what a
 * transport reports (duplicates, resets, late answers of a failed connection, throwing callbacks). The
 * transport here is a script that reports what a test needs, because no correct server sends duplicates
 * or late answers on demand; the real transports run in each module's {@code *BrowserIT}.
 */
class RealtimeCoreBrowserIT {

    private static RealtimeService service;
    private static PatternServer server;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void start() {
        service = RealtimeService.builder(MessageStores.inMemory()).build();
        server = PatternServer.start(RealtimeRoutes.builder(service, RequestEntry.of(HttpSettings.DEFAULTS)).build(), 0);
        chromium = HeadlessChromium.start();
        // Any page of the server's origin will do: the test imports the core from it.
        chromium.open(server.uri().resolve("/realtime/realtime-core.js"));
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.close();
        }
        if (service != null) {
            service.close();
        }
    }

    /** Runs {@code body} (async, with {@code core} in scope) in the page and returns what it returns. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(String body) {
        Object result = chromium.evalAsync("const done = arguments[arguments.length - 1];"
                + " import('/realtime/realtime-core.js').then(async (core) => { " + body + " })"
                + ".then(done, (e) => done({ failed: String(e && e.stack || e) }));");
        assertThat(result).isInstanceOf(Map.class);
        Map<String, Object> map = (Map<String, Object>) result;
        assertThat(map).as("the script ran").doesNotContainKey("failed");
        return map;
    }

    @Test
    void theOneOptionVocabularyHasDefaultsAndRefusesUnknownNamesAndBadValues() {
        Map<String, Object> r = run("""
                const refused = (options) => { try { core.settings(options); return null; } catch (e) { return e.message; } };
                const s = core.settings({});
                return {
                  defaults: { limit: s.limit, interval: s.interval, wait: s.wait, backoffMin: s.backoffMin,
                              backoffMax: s.backoffMax, after: s.after, epoch: s.epoch },
                  all: core.settings({ after: '7', epoch: 'e', limit: 5, interval: 10, wait: 1000, backoffMin: 1,
                         backoffMax: 2, onMessage() {}, onReset() {}, onReady() {}, onError() {}, onRequest() {} }).after,
                  oldName: refused({ minDelay: 100 }),
                  seconds: refused({ wait: 25 }),
                  limit: refused({ limit: 1001 }),
                  backoff: refused({ backoffMin: 500, backoffMax: 100 }),
                  callback: refused({ onMessage: 'no' }),
                  channel: (() => { try { core.follow('/', 'a b', {}, { open() {} }); return null; } catch (e) { return e.message; } })(),
                };
                """);
        assertThat(r.get("defaults")).isEqualTo(map("limit", 100L, "interval", 1000L, "wait", 25000L,
                "backoffMin", 250L, "backoffMax", 30000L, "after", null, "epoch", null));
        assertThat(r.get("all")).isEqualTo(7L);
        assertThat((String) r.get("oldName")).contains("unknown option minDelay");
        assertThat((String) r.get("seconds")).contains("wait", "milliseconds");
        assertThat((String) r.get("limit")).contains("limit");
        assertThat((String) r.get("backoff")).contains("backoffMax");
        assertThat((String) r.get("callback")).contains("onMessage");
        assertThat((String) r.get("channel")).contains("channel");
    }

    /** A map that may hold nulls, as the browser's answers do. */
    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void everyRetryDelayIsFullJitterUnderADoublingCeiling() {
        Map<String, Object> r = run("""
                const stats = (failures) => {
                  const d = Array.from({ length: 2000 }, () => core.backoffDelay(failures, 100, 1000));
                  return { min: Math.min(...d), max: Math.max(...d) };
                };
                return { first: stats(0), third: stats(2), late: stats(40) };
                """);
        assertThat(range(r, "first")).satisfies(d -> {
            assertThat(d.get(0)).isBetween(0.0, 10.0);
            assertThat(d.get(1)).isBetween(90.0, 100.0);
        });
        assertThat(range(r, "third")).satisfies(d -> {
            assertThat(d.get(0)).isBetween(0.0, 40.0);
            assertThat(d.get(1)).isBetween(360.0, 400.0);
        });
        assertThat(range(r, "late")).satisfies(d -> {
            assertThat(d.get(0)).isBetween(0.0, 100.0);
            assertThat(d.get(1)).isBetween(900.0, 1000.0);
        });
    }

    @SuppressWarnings("unchecked")
    private static List<Double> range(Map<String, Object> r, String key) {
        Map<String, Object> d = (Map<String, Object>) r.get(key);
        return List.of(((Number) d.get("min")).doubleValue(), ((Number) d.get("max")).doubleValue());
    }

    @Test
    void followDropsDuplicatesIgnoresAFailedConnectionAndResumesFromItsCursor() {
        Map<String, Object> r = run("""
                const seen = [], resets = [], errors = [], readies = [], opened = [];
                const links = [];
                const sub = core.follow('/', 'c', {
                  after: 0, backoffMin: 1, backoffMax: 2,
                  onMessage: (m) => { seen.push(m.id); if (m.id === 2) throw new Error('a callback that throws'); },
                  onReset: (i) => resets.push(i),
                  onError: (e) => errors.push(e.message),
                  onReady: (i) => readies.push(i.cursor),
                }, { open(link) { opened.push(link.cursor()); links.push(link); return { close() {} }; } });
                const first = links[0];
                first.ready({ epoch: 'e1', cursor: 0 });
                for (const id of [1, 2, 2, 3, 1]) first.message({ id, channel: 'c', data: id });
                first.failed(new Error('dropped'));
                first.message({ id: 4 }); // a late message of the failed connection
                await new Promise((resolve) => { const t = setInterval(() => { if (links.length > 1) { clearInterval(t); resolve(); } }, 1); });
                const second = links[1];
                second.answer({ epoch: 'e1', messages: [{ id: 3 }, { id: 4 }], cursor: 4, hasMore: false });
                second.answer({ epoch: 'e2', messages: [], cursor: 1, hasMore: false, reset: true });
                second.message({ id: 1 });
                second.answer({ epoch: 'e2', messages: [{ id: 5 }, { id: 6 }], cursor: 6, truncated: true });
                const cursor = sub.cursor();
                sub.close();
                second.message({ id: 7 });
                return { seen, resets, errors, readies, opened, cursor };
                """);
        assertThat(r.get("seen")).as("each id once per epoch, nothing from a failed connection or after close")
                .isEqualTo(List.of(1L, 2L, 3L, 4L, 5L, 6L));
        assertThat(r.get("opened")).as("the second connection asked from the cursor")
                .isEqualTo(List.of(map("epoch", null, "after", 0L), map("epoch", "e1", "after", 3L)));
        assertThat(r.get("errors")).isEqualTo(List.of("dropped"));
        assertThat(r.get("readies")).as("ready at the start and after the recovery").isEqualTo(List.of(0L, 4L));
        assertThat(r.get("resets")).isEqualTo(List.of(
                Map.of("epoch", "e2", "cursor", 1L, "reset", true, "truncated", false),
                Map.of("epoch", "e2", "cursor", 4L, "reset", false, "truncated", true)));
        assertThat(r.get("cursor")).isEqualTo(Map.of("epoch", "e2", "after", 6L));
    }
}
