/**
 * Change sources: how a node hears that a channel has new messages. A {@link
 * io.github.realtimepatterns.core.change.ChangeSource} is either a broker's notifications (see {@code
 * core.broker}) or a {@link io.github.realtimepatterns.core.change.StorePoller} that reads the store on an
 * interval. Every transport takes any of them; notifications are hints and the store is the truth.
 */
package io.github.realtimepatterns.core.change;
