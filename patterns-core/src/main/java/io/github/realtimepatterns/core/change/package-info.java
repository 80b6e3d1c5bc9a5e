/**
 * Change sources: how a node hears that a channel has new messages. A {@link
 * io.github.realtimepatterns.core.change.ChangeSource} is either a broker's notifications (see {@code
 * core.broker}) or a {@link io.github.realtimepatterns.core.change.StorePoller} that reads the store on an
 * interval. Every transport takes any of them; notifications are hints and the store is the truth. A
 * {@link io.github.realtimepatterns.core.change.ListenerRegistry} keeps each source's listeners per channel
 * (reference-counted, with safe dispatch), so a new source only says where its notifications come from.
 */
package io.github.realtimepatterns.core.change;
