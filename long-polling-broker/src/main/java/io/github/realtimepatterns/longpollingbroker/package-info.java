/**
 * Long-polling across many nodes: each node parks polls without threads, stores messages in one shared
 * database and announces them on Redis Pub/Sub; each node holds one Redis subscription and wakes its own
 * parked polls. Entry point {@link io.github.realtimepatterns.longpollingbroker.LongPollingBroker}; a node on
 * its own: {@link io.github.realtimepatterns.longpollingbroker.LongPollingBrokerServer}; a client that
 * spreads its polls over several nodes: {@link io.github.realtimepatterns.longpollingbroker.LongPollingBrokerClient}.
 */
package io.github.realtimepatterns.longpollingbroker;
