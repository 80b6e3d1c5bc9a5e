package io.github.realtimepatterns.core.http;

import io.github.realtimepatterns.core.AppendResult;
import io.github.realtimepatterns.core.IdempotencyKeys;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ProtocolException;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /channels/{channel}/messages}: the body (any JSON value, at most
 * {@link HttpSettings#maxBodyBytes()}) becomes the channel's next message, stored as sent (see
 * {@link WireJson#compact}); answers 201 with it.
 *
 * <p>An {@code Idempotency-Key} header (1..128 visible ASCII characters) makes the publish safe to retry:
 * a publish with a key already used on the channel within {@link
 * io.github.realtimepatterns.core.store.MessageStore#IDEMPOTENCY_WINDOW} stores nothing and answers 200
 * with the message the first one stored (same id), plus {@code Idempotent-Replayed: true}.
 *
 * <p>Mounted behind {@link RequestEntry#publish()}, which has checked the channel name (400) and
 * authorization (403). Checked here before anything is stored: media type (415: JSON, {@code *+json} or
 * {@code text/plain}, or none), idempotency key (400 naming {@code Idempotency-Key}), size (413, from
 * {@code Content-Length} at once or while reading), UTF-8 and JSON validity (400 naming {@code data}). The
 * body is read without blocking; the append runs on a worker.
 */
public final class PublishHandler implements ChannelHandler {

    /** The request header that makes a publish idempotent. */
    public static final HttpString IDEMPOTENCY_KEY = new HttpString("Idempotency-Key");
    /** The answer header ({@code true}) of a publish answered with the message an earlier one stored. */
    public static final HttpString IDEMPOTENT_REPLAYED = new HttpString("Idempotent-Replayed");

    private final RealtimeService service;
    private final HttpSettings settings;

    /**
     * A handler publishing through {@code service} within {@code settings}.
     *
     * @param service the service the handler runs over
     * @param settings the HTTP limits, origins and authorizer
     */
    public PublishHandler(RealtimeService service, HttpSettings settings) {
        this.service = service;
        this.settings = settings;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange, ChannelRequest request) {
        String channel = request.channel();
        checkMediaType(exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE));
        String key = idempotencyKey(exchange);
        long declared = exchange.getRequestContentLength();
        if (declared > settings.maxBodyBytes()) {
            throw new ProtocolException(413, "body", "body is " + declared + " bytes; the limit is "
                    + settings.maxBodyBytes());
        }
        exchange.setMaxEntitySize(settings.maxBodyBytes());
        exchange.getRequestReceiver().receiveFullBytes(
                (ex, bytes) -> Exchanges.dispatch(ex, () -> publish(ex, channel, key, bytes)),
                (ex, error) -> Exchanges.fail(ex, error));
    }

    private void publish(HttpServerExchange exchange, String channel, String key, byte[] bytes) {
        if (bytes.length > settings.maxBodyBytes()) {
            throw new ProtocolException(413, "body", "body is larger than " + settings.maxBodyBytes() + " bytes");
        }
        AppendResult result = service.publish(channel, utf8(bytes), key);
        Message message = result.message();
        exchange.getResponseHeaders().put(Headers.LOCATION,
                "messages?after=" + (message.id() - 1) + "&limit=1");
        if (!result.stored()) {
            exchange.getResponseHeaders().put(IDEMPOTENT_REPLAYED, "true");
        }
        Exchanges.sendJson(exchange, result.stored() ? 201 : 200, WireJson.message(message));
    }

    /** The {@code Idempotency-Key} header, validated; {@code null} when absent. */
    private static String idempotencyKey(HttpServerExchange exchange) {
        HeaderValues values = exchange.getRequestHeaders().get(IDEMPOTENCY_KEY);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new ProtocolException(IDEMPOTENCY_KEY.toString(), "Idempotency-Key must be given once but was "
                    + "given " + values.size() + " times");
        }
        return IdempotencyKeys.validate(values.getFirst(), IDEMPOTENCY_KEY.toString());
    }

    private static void checkMediaType(String contentType) {
        if (contentType == null) {
            return;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!(type.equals("application/json") || type.endsWith("+json") || type.equals("text/plain"))) {
            throw new ProtocolException(415, "Content-Type", "Content-Type must be application/json but was "
                    + type);
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException("data", "data (the request body) is not valid UTF-8");
        }
    }
}
