/**
 * Change sources: how a node hears that a channel has new messages. A {@link
 * io.github.realtimepatterns.core.broker.Broker} carries notifications between nodes (in-JVM for one
 * node, Redis Pub/Sub for many); a {@link io.github.realtimepatterns.core.broker.StorePoller} reads the
 * store on an interval instead. Notifications are hints: the store is the truth.
 */
package io.github.realtimepatterns.core.broker;
