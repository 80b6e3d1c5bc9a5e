package io.github.realtimepatterns.core.http;

import io.undertow.server.HttpServerExchange;

/**
 * Decides whether a request may read or publish on a channel: the hook for your authentication.
 * Called on an IO thread before any work is done: answer from what the exchange carries (a header, a
 * cookie, a verified token), never block. A refusal is answered with 403 problem+json.
 */
@FunctionalInterface
public interface Authorizer {

    /** What a request wants to do with a channel. */
    enum Action {
        /** Read, poll, stream or subscribe. */
        READ,
        /** Publish a message. */
        PUBLISH
    }

    /** Allows everything: the default. */
    Authorizer ALLOW_ALL = (channel, action, exchange) -> true;

    /**
     * Whether {@code exchange} may do {@code action} on {@code channel}.
     *
     * @param exchange the request (for WebSocket frames: the upgrade request)
     * @param channel the channel's name
     * @param action what is asked for
     * @return whether {@code exchange} may do {@code action} on {@code channel}
     */
    boolean allows(String channel, Action action, HttpServerExchange exchange);
}
