/**
 * The node-local fan-out: {@link io.github.realtimepatterns.core.hub.ChannelHub} tracks which
 * {@link io.github.realtimepatterns.core.hub.Subscriber}s on this node follow which channel, and hands each
 * its messages exactly once, in id order, from the store and the change source; its
 * {@link io.github.realtimepatterns.core.hub.ChannelHub#next next} answers "the next messages after this
 * cursor, waiting up to this long".
 */
package io.github.realtimepatterns.core.hub;
