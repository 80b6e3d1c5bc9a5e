/**
 * Server-Sent Events with server-side polling: {@link io.github.realtimepatterns.ssedbpolling.SseDbPolling}
 * builds the handler that holds one event stream per client and pushes what the node's database poll finds,
 * {@link io.github.realtimepatterns.ssedbpolling.SseClient} is its Java client, and
 * {@code /realtime/sse-db-polling.js} its browser client.
 */
package io.github.realtimepatterns.ssedbpolling;
