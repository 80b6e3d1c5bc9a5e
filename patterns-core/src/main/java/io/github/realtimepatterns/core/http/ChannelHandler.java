package io.github.realtimepatterns.core.http;

import io.undertow.server.HttpServerExchange;

/**
 * A transport's part of a channel route, after the {@link RequestEntry} has opened the request: it gets
 * the exchange and the parsed {@link ChannelRequest}. Called on the IO thread that called the entry; may
 * dispatch. Whatever it throws is answered as a problem ({@link Exchanges#fail}).
 */
@FunctionalInterface
public interface ChannelHandler {

    /**
     * Serves {@code request} on {@code exchange}.
     *
     * @param exchange the HTTP exchange
     * @param request the request
     * @throws java.lang.Exception whatever the handler throws; the request entry answers it as a problem
     */
    void handleRequest(HttpServerExchange exchange, ChannelRequest request) throws Exception;
}
