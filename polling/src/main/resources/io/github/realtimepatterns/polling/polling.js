// Short-polling client for the Realtime Patterns polling server. Dependency-free ES module.
//
//   import { subscribe, publish, stats } from 'http://host:8080/realtime/polling.js';
//   const sub = subscribe('http://host:8080', 'chat', { onMessage: m => console.log(m) });
//   sub.cursor();  // {epoch, after}: keep it to resume later with {after, epoch}
//   sub.close();
//
// Each subscription asks GET /channels/{c}/messages?after=ID every `interval` ms, sends If-None-Match
// with the last ETag (an idle poll is a 304), asks again at once while hasMore, and backs off
// exponentially with jitter on errors. Cross-origin works when the server allows the page's origin.

/** Counters for all subscriptions of this page: requests sent, 304s, messages delivered, errors. */
export const stats = { requests: 0, notModified: 0, messages: 0, errors: 0 };

function base(url) {
  return String(url).replace(/\/+$/, '');
}

function backoffDelay(failures, min, max) {
  const ceiling = Math.min(max, min * Math.pow(2, Math.min(failures, 30)));
  return min + Math.random() * (ceiling - min);
}

/**
 * Follows `channel` on the server at `baseUrl`.
 * Options: after (last id seen; omit for only new messages, 0 for everything retained), epoch,
 * interval (ms, default 1000), limit (default 100), onMessage(message), onReset(answer),
 * onError(error), onRequest(url), backoffMin (ms, 250), backoffMax (ms, 30000).
 * Returns {close(), cursor()}.
 */
export function subscribe(baseUrl, channel, options = {}) {
  const {
    after, epoch, interval = 1000, limit = 100,
    onMessage = () => {}, onReset = () => {}, onError = () => {}, onRequest = () => {},
    backoffMin = 250, backoffMax = 30000,
  } = options;
  let cursor = after === undefined || after === null ? null : Number(after);
  let currentEpoch = epoch || null;
  let etag = null;
  let etagFor = null;
  let failures = 0;
  let closed = false;
  let timer = null;
  let controller = null;

  const here = () => currentEpoch + ':' + cursor;

  function schedule(ms) {
    if (!closed) timer = setTimeout(poll, ms);
  }

  function deliver(answer) {
    if (answer.reset || answer.truncated) {
      onReset(answer);
      if (answer.reset) cursor = answer.cursor;
    }
    for (const m of answer.messages) {
      if (cursor !== null && m.id <= cursor) continue; // a duplicate after a retry
      cursor = m.id;
      stats.messages++;
      onMessage(m);
    }
    if (answer.messages.length === 0 && (cursor === null || answer.cursor > cursor || answer.reset)) {
      cursor = answer.cursor;
    }
    currentEpoch = answer.epoch;
  }

  async function poll() {
    if (closed) return;
    let url = base(baseUrl) + '/channels/' + encodeURIComponent(channel) + '/messages?limit=' + limit;
    if (cursor !== null) url += '&after=' + cursor;
    if (currentEpoch) url += '&epoch=' + encodeURIComponent(currentEpoch);
    const headers = { Accept: 'application/json' };
    if (etag && etagFor === here()) headers['If-None-Match'] = etag;
    controller = new AbortController();
    stats.requests++;
    onRequest(url);
    try {
      const response = await fetch(url, { headers, cache: 'no-store', signal: controller.signal });
      if (closed) return;
      if (response.status === 304) {
        stats.notModified++;
        failures = 0;
        schedule(interval);
        return;
      }
      if (!response.ok) throw new Error('poll answered ' + response.status + ': ' + await response.text());
      const answer = await response.json();
      if (closed) return;
      deliver(answer);
      failures = 0;
      etag = response.headers.get('ETag');
      etagFor = here();
      if (answer.hasMore) schedule(0); else schedule(interval);
    } catch (error) {
      if (closed) return;
      stats.errors++;
      onError(error);
      schedule(backoffDelay(failures++, backoffMin, backoffMax));
    }
  }

  poll();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      if (controller) controller.abort();
    },
    cursor() {
      return { epoch: currentEpoch, after: cursor };
    },
  };
}

/** Publishes `data` (any JSON value) to `channel`; resolves to the stored message. */
export async function publish(baseUrl, channel, data) {
  const response = await fetch(base(baseUrl) + '/channels/' + encodeURIComponent(channel) + '/messages', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(data),
  });
  if (!response.ok) throw new Error('publish answered ' + response.status + ': ' + await response.text());
  return response.json();
}
