// Long-polling client for the Realtime Patterns long-polling server. Dependency-free ES module.
//
//   import { subscribe, publish, stats } from 'http://host:8080/realtime/long-polling.js';
//   const sub = subscribe('http://host:8080', 'chat', { onMessage: m => console.log(m) });
//   sub.cursor();  // {epoch, after}: keep it to resume later with {after, epoch}
//   sub.close();
//
// Each subscription keeps one request open: GET /channels/{c}/messages?after=ID&wait=SECONDS. The server
// answers as soon as something is after the cursor, or empty at the timeout; the client asks again at
// once, and backs off exponentially with jitter on errors. Without `after`, the first request is a plain
// read (wait=0) that learns the head. Cross-origin works when the server allows the page's origin.
// Browsers open at most six HTTP/1.1 connections per origin: keep one subscription per tab.

/** Counters for all subscriptions of this page: requests sent, messages delivered, errors. */
export const stats = { requests: 0, messages: 0, errors: 0 };

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
 * wait (seconds the server may hold a poll, default 25), limit (default 100), onMessage(message),
 * onReset(answer), onError(error), onRequest(url), backoffMin (ms, 250), backoffMax (ms, 30000).
 * Returns {close(), cursor()}.
 */
export function subscribe(baseUrl, channel, options = {}) {
  const {
    after, epoch, wait = 25, limit = 100,
    onMessage = () => {}, onReset = () => {}, onError = () => {}, onRequest = () => {},
    backoffMin = 250, backoffMax = 30000,
  } = options;
  let cursor = after === undefined || after === null ? null : Number(after);
  let currentEpoch = epoch || null;
  let failures = 0;
  let closed = false;
  let timer = null;
  let controller = null;

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
    url += '&wait=' + (cursor === null ? 0 : wait);
    controller = new AbortController();
    stats.requests++;
    onRequest(url);
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store', signal: controller.signal });
      if (!response.ok) throw new Error('long-poll answered ' + response.status + ': ' + await response.text());
      const answer = await response.json();
      if (closed) return;
      deliver(answer);
      failures = 0;
      poll();
    } catch (error) {
      if (closed) return;
      stats.errors++;
      onError(error);
      timer = setTimeout(poll, backoffDelay(failures++, backoffMin, backoffMax));
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
