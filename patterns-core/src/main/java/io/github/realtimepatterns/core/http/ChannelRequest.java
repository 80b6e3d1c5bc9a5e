package io.github.realtimepatterns.core.http;

import io.github.realtimepatterns.core.Cursor;

/**
 * A channel request as the {@link RequestEntry} opened it: every check passed, every parameter parsed.
 * What a transport's {@link ChannelHandler} starts from.
 *
 * @param channel the valid channel name, or {@code null} on a route without one ({@code /ws})
 * @param cursor  where a read starts ({@link Cursor#head()} when the request named none), or {@code null}
 *                on a route that reads nothing (publish, {@code /ws})
 * @param limit   most messages per answer, {@code 1..maxLimit} ({@link HttpSettings#defaultLimit()} when
 *                the request named none), or {@code 0} on a route that reads nothing
 * @param action  what the request was authorized to do on {@code channel}, or {@code null} without a
 *                channel (a multiplexed socket authorizes each of its frames)
 */
public record ChannelRequest(String channel, Cursor cursor, int limit, Authorizer.Action action) {
}
