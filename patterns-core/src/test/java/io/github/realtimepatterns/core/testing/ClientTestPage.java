package io.github.realtimepatterns.core.testing;

import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A pattern's handler with a tiny test page next to it, at {@link #PATH}, so that the page and the
 * pattern's browser client share one origin. Every other request goes to the handler; {@link #close()}
 * closes it (so {@code PatternServer.close()} does).
 *
 * <p>The page imports the client module named in its query ({@code script}), subscribes to
 * {@code channel} with {@code options} (JSON) plus recording callbacks, and keeps what happened in
 * {@code window.record}: {@code events} (each {@code {type:"message", id, channel, data}},
 * {@code {type:"reset", epoch, cursor, reset, truncated}} or {@code {type:"ready", epoch, cursor}}, in the
 * order they came), {@code errors} (a count) and {@code lastError}, {@code log} (uncaught errors and
 * {@code console.error} lines), and {@code started}. {@code window.publish(json)} publishes through the
 * client; {@code window.subscription} is the subscription.
 */
public final class ClientTestPage implements HttpHandler, AutoCloseable {

    /** Where the page is served. */
    public static final String PATH = "/__client-test.html";

    private static final String PAGE = """
            <!doctype html>
            <meta charset="utf-8">
            <title>browser client test</title>
            <script type="module">
            const params = new URLSearchParams(location.search);
            const record = window.record = { events: [], errors: 0, lastError: null, log: [], started: false };
            const say = (...parts) => record.log.push(parts.map(String).join(' '));
            window.addEventListener('error', (e) => say('uncaught', e.message));
            window.addEventListener('unhandledrejection', (e) => say('unhandled rejection', e.reason));
            const consoleError = console.error;
            console.error = (...parts) => { say('console.error', ...parts); consoleError(...parts); };
            try {
              const client = await import(params.get('script'));
              const channel = params.get('channel');
              window.subscription = client.subscribe('/', channel, {
                ...JSON.parse(params.get('options') || '{}'),
                onMessage: (m) => record.events.push({ type: 'message', id: m.id, channel: m.channel, data: m.data }),
                onReset: (r) => record.events.push({ type: 'reset', ...r }),
                onReady: (r) => record.events.push({ type: 'ready', ...r }),
                onError: (e) => { record.errors++; record.lastError = String(e && e.message); },
              });
              window.publish = (json) => client.publish('/', channel, JSON.parse(json));
              record.started = true;
            } catch (e) {
              say('the page failed to start:', (e && e.stack) || e);
            }
            </script>
            """;

    private final RealtimeHandler handler;

    /** Serves the page in front of {@code handler}. */
    public ClientTestPage(RealtimeHandler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** The page's URL on the server at {@code base}, following {@code channel} with {@code script}'s client. */
    public static URI url(URI base, String script, String channel, String optionsJson) {
        return base.resolve(PATH + "?script=" + encode(script) + "&channel=" + encode(channel)
                + "&options=" + encode(optionsJson));
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (PATH.equals(exchange.getRelativePath())) {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            exchange.getResponseSender().send(PAGE);
        } else {
            handler.handleRequest(exchange);
        }
    }

    /** Closes the handler. */
    @Override
    public void close() {
        handler.close();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
