/**
 * WebSockets relayed across nodes through a broker (Redis Pub/Sub for many nodes): one socket per client
 * carries many channels, every message is stored first, and a client that reconnects resumes each channel
 * from its cursor. Entry point: {@link io.github.realtimepatterns.websocketsredis.WebSocketsRedis}.
 */
package io.github.realtimepatterns.websocketsredis;
