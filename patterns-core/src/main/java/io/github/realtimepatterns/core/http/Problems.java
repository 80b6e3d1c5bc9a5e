package io.github.realtimepatterns.core.http;

import io.github.realtimepatterns.core.WireJson;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

/**
 * Writes {@code application/problem+json} answers (RFC 9457): {@code type}, {@code title}, {@code status},
 * {@code detail}, and {@code field} when one request field was wrong.
 */
public final class Problems {

    /** The media type of problem answers. */
    public static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    /**
     * Ends {@code exchange} with a problem answer, unless the response has already started (then it only
     * closes the connection, since a half-written answer cannot be repaired).
     *
     * @param status the HTTP status (4xx or 5xx)
     * @param field  the request field that was wrong, or {@code null}
     * @param detail what was wrong, for a human
     * @param exchange the HTTP exchange
     */
    public static void send(HttpServerExchange exchange, int status, String field, String detail) {
        if (exchange.isResponseStarted()) {
            exchange.endExchange();
            return;
        }
        String title = StatusCodes.getReason(status);
        String body = WireJson.write(out -> {
            out.writeStartObject();
            out.writeStringField("type", type(status));
            out.writeStringField("title", title);
            out.writeNumberField("status", status);
            out.writeStringField("detail", detail);
            if (field != null) {
                out.writeStringField("field", field);
            }
            out.writeEndObject();
        });
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, MEDIA_TYPE);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(body);
    }

    /** The problem type URI for a status: one per kind of failure, stable for clients to match on. */
    static String type(int status) {
        return switch (status) {
            case 400 -> "urn:realtime-patterns:problem:bad-request";
            case 403 -> "urn:realtime-patterns:problem:forbidden";
            case 404 -> "urn:realtime-patterns:problem:not-found";
            case 405 -> "urn:realtime-patterns:problem:method-not-allowed";
            case 413 -> "urn:realtime-patterns:problem:too-large";
            case 415 -> "urn:realtime-patterns:problem:unsupported-media-type";
            case 429 -> "urn:realtime-patterns:problem:rate-limited";
            case 503 -> "urn:realtime-patterns:problem:unavailable";
            default -> "about:blank";
        };
    }
}
