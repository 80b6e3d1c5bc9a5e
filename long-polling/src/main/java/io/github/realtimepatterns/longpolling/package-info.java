/**
 * Long-polling on one node: {@code GET /channels/{c}/messages?after=ID&wait=SECONDS} answers as soon as
 * anything is after the cursor, or empty at the timeout. A waiting request holds no thread: it is parked
 * with Undertow's asynchronous dispatch, woken by the node's {@link io.github.realtimepatterns.core.hub.ChannelHub}
 * and timed out by the XNIO timer. Mount {@link io.github.realtimepatterns.longpolling.LongPolling#builder}'s
 * handler, run {@link io.github.realtimepatterns.longpolling.LongPollingServer}, and follow channels with
 * {@link io.github.realtimepatterns.longpolling.LongPollingClient} or {@code /realtime/long-polling.js}.
 */
package io.github.realtimepatterns.longpolling;
