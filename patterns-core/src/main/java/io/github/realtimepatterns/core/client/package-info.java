/**
 * The client SPI every pattern implements over {@code java.net.http}:
 * {@link io.github.realtimepatterns.core.client.RealtimeClient}, with the shared pieces (cursor gate,
 * backoff, publisher) that make every client resume from its cursor without loss or duplicates.
 */
package io.github.realtimepatterns.core.client;
