package io.github.realtimepatterns.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import org.junit.jupiter.api.Test;

class RequestCounterTest {

    private static void send(HttpHandler handler, HttpString method, String path) throws Exception {
        HttpServerExchange exchange = new HttpServerExchange(null);
        exchange.setRequestMethod(method);
        exchange.setRelativePath(path);
        handler.handleRequest(exchange);
    }

    @Test
    void countsSubscriberRequestsApartFromPublishesScriptsAndHousekeeping() throws Exception {
        int[] reached = {0};
        RequestCounter counter = new RequestCounter(exchange -> reached[0]++);

        send(counter, Methods.GET, "/channels/c/messages");
        send(counter, Methods.GET, "/channels/c/events");
        send(counter, Methods.GET, "/ws");
        send(counter, Methods.POST, "/channels/c/messages");
        send(counter, Methods.GET, "/realtime/polling.js");
        send(counter, Methods.GET, "/health");
        send(counter, Methods.GET, "/metrics");
        send(counter, Methods.OPTIONS, "/channels/c/messages");

        assertThat(counter.requests()).isEqualTo(3);
        assertThat(counter.publishes()).isEqualTo(1);
        assertThat(reached[0]).as("every request still reaches the pattern").isEqualTo(8);
    }
}
