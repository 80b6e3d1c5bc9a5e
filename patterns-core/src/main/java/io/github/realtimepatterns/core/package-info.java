/**
 * The model every layer shares: {@link io.github.realtimepatterns.core.Message}, the client's
 * {@link io.github.realtimepatterns.core.Cursor}, the {@link io.github.realtimepatterns.core.ReadResult} every
 * transport sends, the channel-name rule, the JSON wire codec and the exception hierarchy. Nothing here
 * imports Undertow.
 */
package io.github.realtimepatterns.core;
