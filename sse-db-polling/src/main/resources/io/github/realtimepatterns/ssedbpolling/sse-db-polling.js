// Browser client of the sse-db-polling pattern: one EventSource per subscription, no dependencies.
//
//   import { subscribe, publish, stats } from 'http://host:8080/realtime/sse-db-polling.js';
//   const sub = subscribe('http://host:8080/', 'chat', { onMessage: m => show(m), onReset: r => reload(r) });
//   sub.cursor();  // { epoch, after } to resume later with subscribe(..., { after, epoch })
//   sub.close();
//
// The browser's own reconnect carries Last-Event-ID (every event has an id), so it resumes where it left off.
// The epoch lives in the stream URL: once a `ready` or `reset` event tells a new one, the next reconnect is
// made by this module with a fresh URL (epoch and after), with capped exponential backoff and jitter.

/** Counters for demos: requests made (first connections and reconnects), events and resets seen. */
export const stats = { requests: 0, opens: 0, messages: 0, resets: 0, errors: 0 };

function baseOf(baseUrl) {
  const b = new URL(baseUrl ?? '/', globalThis.location?.href);
  if (!b.pathname.endsWith('/')) b.pathname += '/';
  return b;
}

/**
 * Follows `channel` from `after` (omitted: only new messages; 0: everything retained) in `epoch`.
 * Options: onMessage(message), onReset({epoch, cursor, reset, truncated}), onError(event), onReady({epoch, cursor}),
 * onRequest(url) called for each request made, minBackoffMs (250), maxBackoffMs (30000).
 */
export function subscribe(baseUrl, channel, options = {}) {
  const { onMessage = () => {}, onReset = () => {}, onError = () => {}, onReady = () => {},
    onRequest = () => {}, minBackoffMs = 250, maxBackoffMs = 30000 } = options;
  let cursor = options.after === undefined || options.after === null ? null : Number(options.after);
  let epoch = options.epoch ?? null;
  let urlEpoch = null;
  let source = null;
  let timer = null;
  let failures = 0;
  let closed = false;

  function url() {
    const u = new URL(`channels/${encodeURIComponent(channel)}/events`, baseOf(baseUrl));
    if (epoch) u.searchParams.set('epoch', epoch);
    if (cursor !== null) u.searchParams.set('after', String(cursor));
    return u.toString();
  }

  function open() {
    timer = null;
    if (closed) return;
    const target = url();
    urlEpoch = epoch;
    stats.requests++;
    onRequest(target);
    source = new EventSource(target);
    source.addEventListener('open', () => { stats.opens++; });
    source.addEventListener('ready', (e) => {
      const d = JSON.parse(e.data);
      epoch = d.epoch;
      if (cursor === null || cursor < d.cursor) cursor = d.cursor;
      failures = 0;
      onReady(d);
    });
    source.addEventListener('reset', (e) => {
      const d = JSON.parse(e.data);
      epoch = d.epoch;
      cursor = d.cursor;
      stats.resets++;
      onReset(d);
    });
    source.addEventListener('message', (e) => {
      const m = JSON.parse(e.data);
      if (cursor !== null && m.id <= cursor) return; // seen already
      cursor = m.id;
      stats.messages++;
      onMessage(m);
    });
    source.addEventListener('error', (e) => {
      stats.errors++;
      onError(e);
      if (closed) return;
      const stale = urlEpoch !== epoch;
      if (source.readyState === EventSource.CONNECTING && !stale) {
        stats.requests++; // the browser reconnects by itself, with Last-Event-ID
        onRequest(target);
        return;
      }
      // Refused, or the URL names an old epoch: reopen ourselves with a fresh URL after a backoff.
      source.close();
      const ceiling = Math.min(maxBackoffMs, minBackoffMs * 2 ** Math.min(failures++, 16));
      timer = setTimeout(open, minBackoffMs + Math.random() * (ceiling - minBackoffMs));
    });
  }

  open();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (source) source.close();
    },
    cursor() {
      return { epoch, after: cursor };
    },
  };
}

/** Publishes `data` (any JSON value) to `channel`; resolves to the stored message. */
export async function publish(baseUrl, channel, data) {
  stats.requests++;
  const r = await fetch(new URL(`channels/${encodeURIComponent(channel)}/messages`, baseOf(baseUrl)), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(data),
  });
  const body = await r.json();
  if (!r.ok) throw new Error(body.detail ?? `publish answered ${r.status}`);
  return body;
}
