// Browser client of the sse-db-polling pattern: one EventSource per subscription, no dependencies.
//
//   import { subscribe, publish, stats } from 'http://host:8080/realtime/sse-db-polling.js';
//   const sub = subscribe('http://host:8080/', 'chat', { onMessage: m => show(m), onReset: r => reload(r) });
//   sub.cursor();  // { epoch, after } to resume later with subscribe(..., { after, epoch })
//   sub.close();
//
// The stream URL carries the cursor (epoch and after). When a stream fails or ends, this module closes the
// EventSource and opens a new one itself, from its cursor, after realtime-core.js's backoff with full
// jitter, instead of letting the browser reconnect on the server's fixed `retry:` delay: so the URL never
// names an old epoch, and browsers cut off together by a restart do not all return at the same moment.
// Options, cursor, de-duplication and resets are realtime-core.js's (its header lists the options).
import * as core from './realtime-core.js';

/** Counters for all subscriptions of this page: requests (streams opened), messages, resets, errors, retries. */
export const stats = core.createStats();

/** Follows `channel` on the server at `baseUrl`; returns {close(), cursor()}. */
export function subscribe(baseUrl, channel, options = {}) {
  return core.follow(baseUrl, channel, options, {
    stats,
    open(link) {
      const { epoch, after } = link.cursor();
      const url = link.url('events', { epoch, after });
      link.requested(url);
      const source = new EventSource(url);
      const on = (name, handle) => source.addEventListener(name, (event) => {
        let data;
        try {
          data = JSON.parse(event.data);
        } catch (error) {
          link.failed(new Error(`unreadable ${name} event: ${event.data}`));
          return;
        }
        handle(data);
      });
      on('ready', (d) => link.ready(d));
      on('reset', (d) => link.reset(d));
      on('message', (m) => link.message(m));
      source.addEventListener('error', () => link.failed(new Error(`event stream ${url} failed or ended`)));
      return { close: () => source.close() };
    },
  });
}

/** Publishes `data` (any JSON value) to `channel`; resolves to the stored message. */
export async function publish(baseUrl, channel, data) {
  stats.requests++;
  return core.publish(baseUrl, channel, data);
}
