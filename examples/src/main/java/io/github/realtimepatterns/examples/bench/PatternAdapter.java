package io.github.realtimepatterns.examples.bench;

import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.store.MessageStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Objects;

/**
 * How the examples use one pattern module: its name, whether it runs over Redis when there is one, how
 * to build its handler over a shared store and broker, how to build its Java client, and where its
 * browser module is served. One such entry per module in {@link Patterns#all()}.
 *
 * @param name       the pattern's name as in the module table, also its URL prefix in the demo
 * @param wantsRedis whether the pattern is meant to run over the Redis broker (many nodes)
 * @param handlers   builds the pattern's handler
 * @param clients    builds the pattern's Java client
 * @param browser    the options the demo page passes to the browser module's {@code subscribe}
 */
public record PatternAdapter(String name, boolean wantsRedis, HandlerFactory handlers, ClientFactory clients,
                             BrowserOptions browser) {

    /** Builds a pattern's handler; it must leave {@code store} and {@code broker} open when closed. */
    @FunctionalInterface
    public interface HandlerFactory {
        /** The handler over {@code store}, notified through {@code broker}, with {@code tuning}'s knobs. */
        RealtimeHandler create(MessageStore store, Broker broker, Tuning tuning);
    }

    /** Builds a pattern's Java client. */
    @FunctionalInterface
    public interface ClientFactory {
        /** A client of the server at {@code base}, sending through {@code http} where the client allows it. */
        RealtimeClient create(URI base, HttpClient http, Tuning tuning);
    }

    /** Builds the options object (JSON text) the browser module's {@code subscribe} gets besides the cursor. */
    @FunctionalInterface
    public interface BrowserOptions {
        /** A JSON object such as {@code {"interval":1000}}. */
        String json(Tuning tuning);
    }

    /** Checks the parts are there. */
    public PatternAdapter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(handlers, "handlers");
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(browser, "browser");
    }

    /** The path of the pattern's browser module relative to where its handler is mounted. */
    public String script() {
        return "/realtime/" + name + ".js";
    }

    /** The handler over {@code store} and {@code broker}. */
    public RealtimeHandler handler(MessageStore store, Broker broker, Tuning tuning) {
        return handlers.create(store, broker, tuning);
    }

    /** A client of the server at {@code base}. */
    public RealtimeClient client(URI base, HttpClient http, Tuning tuning) {
        return clients.create(base, http, tuning);
    }
}
