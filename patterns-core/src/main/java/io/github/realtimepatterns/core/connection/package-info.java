/**
 * What every push transport does with a connection once it is open, written once: the bounded send
 * queue with its slow-consumer policy ({@link io.github.realtimepatterns.core.connection.Outbox}, knobs in
 * {@link io.github.realtimepatterns.core.connection.SendLimits}), the watch that notices a client that went
 * away ({@link io.github.realtimepatterns.core.connection.DisconnectWatch}), and the cache that encodes each
 * batch once per wire format however many connections carry it
 * ({@link io.github.realtimepatterns.core.connection.EncodeCache}). A transport module adds only its wire
 * format.
 */
package io.github.realtimepatterns.core.connection;
