/**
 * The HTTP layer every pattern shares, on Undertow: {@link io.github.realtimepatterns.core.http.PatternServer},
 * the publish endpoint, problem+json errors, limits, CORS, the authorization hook, health and metrics, and
 * {@link io.github.realtimepatterns.core.http.RealtimeRoutes} to assemble a pattern's handler.
 */
package io.github.realtimepatterns.core.http;
