/**
 * The HTTP layer every pattern shares, on Undertow: {@link io.github.realtimepatterns.core.http.PatternServer},
 * the {@link io.github.realtimepatterns.core.http.RequestEntry} every channel route of every transport goes
 * through (refusal while closing, origin, channel, cursor, limit, authorization), the publish endpoint,
 * problem+json errors, limits, CORS, health and metrics, and
 * {@link io.github.realtimepatterns.core.http.RealtimeRoutes} to assemble a pattern's handler.
 */
package io.github.realtimepatterns.core.http;
