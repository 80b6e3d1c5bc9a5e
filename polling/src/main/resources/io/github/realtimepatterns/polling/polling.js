// Short-polling client for the Realtime Patterns polling server. Dependency-free ES module.
//
//   import { subscribe, publish, stats } from 'http://host:8080/realtime/polling.js';
//   const sub = subscribe('http://host:8080', 'chat', { interval: 1000, onMessage: m => console.log(m) });
//   sub.cursor();  // {epoch, after}: keep it to resume later with {after, epoch}
//   sub.close();
//
// Each subscription asks GET /channels/{c}/messages?after=ID every `interval` ms, sends If-None-Match
// with the last ETag (an idle poll is a 304), and asks again at once while hasMore. Options, cursor,
// de-duplication, resets and retries are realtime-core.js's (its header lists the options).
// Cross-origin works when the server allows the page's origin.
import * as core from './realtime-core.js';

/** Counters for all subscriptions of this page: requests, 304s, messages, resets, errors, retries. */
export const stats = core.createStats({ notModified: 0 });

/** Follows `channel` on the server at `baseUrl`; returns {close(), cursor()}. */
export function subscribe(baseUrl, channel, options = {}) {
  let etag = null;
  let etagFor = null; // the cursor the ETag was given for: a tag only means "nothing new" there
  return core.follow(baseUrl, channel, options, {
    stats,
    open(link) {
      const { epoch, after } = link.cursor();
      const here = epoch + ':' + after;
      const url = link.url('messages', { limit: link.settings.limit, after, epoch });
      const controller = new AbortController();
      const headers = etag && etagFor === here ? { 'If-None-Match': etag } : {};
      link.requested(url);
      core.request(url, { headers, signal: controller.signal }).then(async (response) => {
        if (response.status === 304) {
          stats.notModified++;
          link.ready({ epoch, cursor: after });
          link.again(link.settings.interval);
          return;
        }
        const answer = await response.json();
        link.answer(answer);
        const now = link.cursor();
        etag = response.headers.get('ETag');
        etagFor = now.epoch + ':' + now.after;
        link.again(answer.hasMore ? 0 : link.settings.interval);
      }).catch((error) => link.failed(error));
      return { close: () => controller.abort() };
    },
  });
}

/** Publishes `data` (any JSON value) to `channel`; resolves to the stored message. */
export async function publish(baseUrl, channel, data) {
  stats.requests++;
  return core.publish(baseUrl, channel, data);
}
