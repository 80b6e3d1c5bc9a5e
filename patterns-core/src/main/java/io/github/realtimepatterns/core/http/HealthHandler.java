package io.github.realtimepatterns.core.http;

import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * {@code GET /health}: 200 {@code {"status":"UP","store":"UP","changeSource":"UP"}} when the store answers
 * and the change source is connected, else 503 with the same shape naming what is down.
 */
final class HealthHandler implements HttpHandler {

    private final RealtimeService service;

    HealthHandler(RealtimeService service) {
        this.service = service;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Exchanges.dispatch(exchange, () -> {
            RealtimeService.Health health = service.health();
            Exchanges.sendJson(exchange, health.up() ? 200 : 503, WireJson.write(out -> {
                out.writeStartObject();
                out.writeStringField("status", health.up() ? "UP" : "DOWN");
                out.writeStringField("store", health.storeProblem() == null ? "UP" : "DOWN");
                if (health.storeProblem() != null) {
                    out.writeStringField("storeDetail", health.storeProblem());
                }
                out.writeStringField("changeSource", health.changeSourceUp() ? "UP" : "DOWN");
                out.writeStringField("changeSourceName", health.changeSource());
                out.writeStringField("broker", health.brokerUp() ? "UP" : "DOWN");
                out.writeEndObject();
            }));
        });
    }
}
