// Long-polling client for the Realtime Patterns long-polling server. Dependency-free ES module.
//
//   import { subscribe, publish, stats } from 'http://host:8080/realtime/long-polling.js';
//   const sub = subscribe('http://host:8080', 'chat', { wait: 25000, onMessage: m => console.log(m) });
//   sub.cursor();  // {epoch, after}: keep it to resume later with {after, epoch}
//   sub.close();
//
// Each subscription keeps one request open: GET /channels/{c}/messages?after=ID&wait=SECONDS. The server
// answers as soon as something is after the cursor, or empty at the timeout; the client asks again at
// once. Without `after`, the first request is a plain read (wait=0) that learns the head. Options, cursor,
// de-duplication, resets and retries are realtime-core.js's (its header lists the options).
// Cross-origin works when the server allows the page's origin.
// Browsers open at most six HTTP/1.1 connections per origin: keep one subscription per tab.
import * as core from './realtime-core.js';

/** Counters for all subscriptions of this page: requests, messages, resets, errors, retries. */
export const stats = core.createStats();

/** Follows `channel` on the server at `baseUrl`; returns {close(), cursor()}. */
export function subscribe(baseUrl, channel, options = {}) {
  return core.follow(baseUrl, channel, options, {
    stats,
    open(link) {
      const { epoch, after } = link.cursor();
      const seconds = after === null ? 0 : Math.ceil(link.settings.wait / 1000);
      const url = link.url('messages', { limit: link.settings.limit, after, epoch, wait: seconds });
      const controller = new AbortController();
      link.requested(url);
      core.request(url, { signal: controller.signal })
        .then((response) => response.json())
        .then((answer) => {
          link.answer(answer);
          link.again(0);
        })
        .catch((error) => link.failed(error));
      return { close: () => controller.abort() };
    },
  });
}

/** Publishes `data` (any JSON value) to `channel`; resolves to the stored message. */
export async function publish(baseUrl, channel, data) {
  stats.requests++;
  return core.publish(baseUrl, channel, data);
}
