/**
 * Brokers: change sources that also carry notifications between nodes. A {@link
 * io.github.realtimepatterns.core.broker.Broker} is published to after every append and heard by every node
 * (in-JVM for one node, Redis Pub/Sub for many). Notifications are hints: the store is the truth.
 */
package io.github.realtimepatterns.core.broker;
