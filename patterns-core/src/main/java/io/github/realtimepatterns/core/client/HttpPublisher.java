package io.github.realtimepatterns.core.client;

import io.github.realtimepatterns.core.Channels;
import io.github.realtimepatterns.core.IdempotencyKeys;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ProtocolException;
import io.github.realtimepatterns.core.RealtimeException;
import io.github.realtimepatterns.core.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * {@code POST /channels/{c}/messages} over {@code java.net.http}, shared by every pattern's client.
 * Forces HTTP/1.1 (the JDK client would otherwise try an h2c upgrade on {@code http://}). Thread-safe.
 *
 * <p>Every publish carries an {@code Idempotency-Key} (a random UUID unless the caller gives one). When the
 * answer is lost (the connection fails or the request times out, so the publish may or may not have been
 * stored), it is sent once more with the same key: the server stores it at most once and answers the
 * stored message either way. A second loss is thrown; its outcome is unknown, and retrying it with the
 * same key through {@link #publish(String, String, String)} stays safe for
 * {@link io.github.realtimepatterns.core.store.MessageStore#IDEMPOTENCY_WINDOW}.
 */
public final class HttpPublisher {

    private final HttpClient http;
    private final URI base;
    private final Duration timeout;

    /**
     * @param http    the client to send with (share one; each has a selector thread)
     * @param base    the pattern's base URI, where {@code channels/...} is resolved (ends with {@code /})
     * @param timeout the request timeout
     */
    public HttpPublisher(HttpClient http, URI base, Duration timeout) {
        this.http = Objects.requireNonNull(http, "http");
        this.base = withSlash(Objects.requireNonNull(base, "base"));
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * A new JDK client fit for this library: HTTP/1.1, 5 s connect timeout.
     *
     * @return a new JDK client fit for this library: HTTP/1.1, 5 s connect timeout
     */
    public static HttpClient newHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * {@code base} with a trailing slash, so relative paths resolve under it.
     *
     * @param base the server's base URI
     * @return {@code base} with a trailing slash, so relative paths resolve under it
     */
    public static URI withSlash(URI base) {
        String s = base.toString();
        return s.endsWith("/") ? base : URI.create(s + "/");
    }

    /**
     * Publishes and returns the stored message; see {@link RealtimeClient#publish}.
     *
     * @param channel the channel's name
     * @param json the message data, a JSON value as text
     * @return the stored message, with its id
     */
    public Message publish(String channel, String json) {
        return publish(channel, json, UUID.randomUUID().toString());
    }

    /**
     * Publishes under {@code idempotencyKey} and returns the stored message: the one this call stored, or
     * the one an earlier publish with the same key on the channel stored (same id).
     *
     * @param idempotencyKey 1..128 visible ASCII characters
     * @param channel the channel's name
     * @param json the message data, a JSON value as text
     * @return the stored message: the one this call stored, or the one stored earlier under the same key
     * @throws ProtocolException for a refused publish (4xx), or an invalid key (field {@code Idempotency-Key})
     * @throws RealtimeException when the server answers 5xx, or the answer was lost twice
     */
    public Message publish(String channel, String json, String idempotencyKey) {
        Channels.validate(channel);
        IdempotencyKeys.validate(idempotencyKey, "Idempotency-Key");
        HttpRequest request = HttpRequest.newBuilder(base.resolve("channels/" + channel + "/messages"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response;
        try {
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException lost) {
                // No answer: stored or not, nobody knows. The same key lets the server tell.
                try {
                    response = http.send(request, HttpResponse.BodyHandlers.ofString());
                } catch (IOException again) {
                    again.addSuppressed(lost);
                    throw again;
                }
            }
        } catch (IOException e) {
            throw new RealtimeException("publish to " + channel + " at " + base + " failed, twice with "
                    + "Idempotency-Key " + idempotencyKey + " (it may be stored; retrying with that key is safe): "
                    + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RealtimeException("publish to " + channel + " interrupted", e);
        }
        return parse(channel, response);
    }

    private static Message parse(String channel, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status == 201 || status == 200) {
            return WireJson.parseMessage(response.body());
        }
        String detail = problemDetail(response.body());
        if (status >= 400 && status < 500) {
            throw new ProtocolException(status, problemField(response.body()), detail);
        }
        throw new RealtimeException("publish to " + channel + " answered " + status + ": " + detail);
    }

    /**
     * The {@code detail} of a problem+json body, or the body itself.
     *
     * @param body the body
     * @return the {@code detail} of a problem+json body, or the body itself
     */
    public static String problemDetail(String body) {
        try {
            return WireJson.tree(body).path("detail").asText(body);
        } catch (RuntimeException e) {
            return body;
        }
    }

    private static String problemField(String body) {
        try {
            return WireJson.tree(body).path("field").asText(null);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
