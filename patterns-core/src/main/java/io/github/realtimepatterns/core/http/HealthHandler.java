package io.github.realtimepatterns.core.http;

import io.github.realtimepatterns.core.RealtimeException;
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
            String storeDetail = null;
            try {
                service.store().checkHealth();
            } catch (RealtimeException e) {
                storeDetail = e.getMessage();
            }
            boolean sourceUp = service.changeSource().isHealthy();
            boolean brokerUp = service.broker().isHealthy();
            boolean up = storeDetail == null && sourceUp && brokerUp;
            String detail = storeDetail;
            Exchanges.sendJson(exchange, up ? 200 : 503, io.github.realtimepatterns.core.WireJson.write(out -> {
                out.writeStartObject();
                out.writeStringField("status", up ? "UP" : "DOWN");
                out.writeStringField("store", detail == null ? "UP" : "DOWN");
                if (detail != null) {
                    out.writeStringField("storeDetail", detail);
                }
                out.writeStringField("changeSource", sourceUp ? "UP" : "DOWN");
                out.writeStringField("changeSourceName", service.changeSource().describe());
                out.writeStringField("broker", brokerUp ? "UP" : "DOWN");
                out.writeEndObject();
            }));
        });
    }
}
