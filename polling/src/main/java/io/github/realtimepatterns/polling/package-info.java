/**
 * Short polling: {@code GET /channels/{c}/messages?after=ID} answers at once with what is after the
 * cursor, and an idle poll costs a {@code 304} thanks to an {@code ETag} on the channel's head. Mount
 * {@link io.github.realtimepatterns.polling.Polling#builder}'s handler, run
 * {@link io.github.realtimepatterns.polling.PollingServer}, and follow channels with
 * {@link io.github.realtimepatterns.polling.PollingClient} or the browser module {@code /realtime/polling.js}.
 */
package io.github.realtimepatterns.polling;
