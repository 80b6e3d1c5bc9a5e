/**
 * realtime-core.js: what every browser client of Realtime Patterns shares, once. Each pattern module's
 * client (polling.js, long-polling.js, sse-db-polling.js, websockets-redis.js) imports it from next to itself
 * (every handler serves it at <mount>/realtime/realtime-core.js) and adds only its transport.
 * Dependency-free ES module, no build step.
 *
 * A subscription holds a cursor, {epoch, after}: the epoch of the channel's stream and the last id seen.
 * Every request or (re)connection asks "what is after my cursor?", so nothing is lost across a reconnect;
 * a message whose id is not after the cursor is dropped as a duplicate, so nothing is repeated; when the
 * server says the cursor could not be honoured (`reset`: another epoch or ahead of the head; `truncated`:
 * retention removed what followed it), the cursor moves to where the server says and onReset tells you.
 *
 * Options, one vocabulary for every module's subscribe(baseUrl, channel, options). A module ignores the
 * options its transport has no use for (so one options object fits every transport); an unknown name or a
 * bad value throws at once. Durations are milliseconds.
 *
 *   after       last id seen: omit (or null) to start at the head (only new messages), 0 for everything
 *               retained. Default null.
 *   epoch       the epoch `after` belongs to, as cursor() returned it. Default null.
 *   limit       most messages per answer, 1..1000 (HTTP reads). Default 100.
 *   interval    polling: pause between two polls that found nothing more. Default 1000.
 *   wait        long-polling: how long the server may hold a poll, at least 1000 (sent in whole seconds;
 *               the server caps it at its maximum). Default 25000.
 *   backoffMin  retry delay after the first failure; each further failure doubles it, up to backoffMax.
 *               Default 250.
 *   backoffMax  largest retry delay. Default 30000. Every delay has full jitter: a uniformly random time
 *               between 0 and the current ceiling, so clients cut off together do not return together.
 *   onMessage(message)  each message {id, channel, data, ts}, once, in id order.
 *   onReset(info)       {epoch, cursor, reset, truncated}: the cursor could not be honoured; `cursor` is where
 *                       the subscription goes on from (the head after a reset, just before the oldest kept
 *                       message after a truncation, which then follows).
 *   onReady(info)       {epoch, cursor}: the subscription is connected, once at the start and once after each
 *                       recovery from a failure.
 *   onError(error)      an Error (with `status` and `problem` when the server answered one); the client
 *                       retries by itself after the backoff.
 *   onRequest(url)      each HTTP request or socket the subscription opens (for demos and tests).
 *
 * A subscription is {close(), cursor()}: cursor() gives {epoch, after} to keep and pass back as options
 * to resume later, on this transport or another one (every transport honours the same cursor).
 *
 * Module authors: a transport is {open(link), stats}; follow() calls open(link) for each connection and
 * open returns {close()}. The link says where the cursor stands and takes what the server said:
 *   link.cursor()       {epoch, after} to ask from
 *   link.url(path, query)  <base>channels/<channel>/<path>?query (null and undefined values left out)
 *   link.requested(url) counts a request and calls onRequest
 *   link.answer(read)   a read answer {epoch, messages, cursor, hasMore, reset?, truncated?}
 *   link.ready(info)    the connection is up: {epoch, cursor} where the server's stream stands
 *   link.message(m)     one message (dropped if not after the cursor)
 *   link.reset(info)    {epoch, cursor, reset, truncated}
 *   link.again(ms)      this connection is done; open the next one after ms (a poll loop)
 *   link.failed(error)  this connection failed; open the next one after the backoff
 *   link.live           false once the link ignores calls (a transport may stop work early)
 * A link ignores every call after again(), failed() or the subscription's close(), so a late answer from
 * an old connection cannot move the cursor.
 */

/** The defaults of every option that has one (milliseconds for durations). */
export const DEFAULTS = Object.freeze({
  after: null,
  epoch: null,
  limit: 100,
  interval: 1000,
  wait: 25000,
  backoffMin: 250,
  backoffMax: 30000,
});

const CALLBACKS = ['onMessage', 'onReset', 'onReady', 'onError', 'onRequest'];
const NAMES = new Set([...Object.keys(DEFAULTS), ...CALLBACKS]);
const CHANNEL = /^[A-Za-z0-9_.:-]{1,128}$/;
const noop = () => {};

/** A fresh counter set: requests made, messages delivered, resets seen, errors, retries scheduled. */
export function createStats(extra = {}) {
  return { requests: 0, messages: 0, resets: 0, errors: 0, retries: 0, ...extra };
}

/** `options` checked and completed with the defaults; throws TypeError or RangeError naming the option. */
export function settings(options = {}) {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  for (const name of Object.keys(options)) {
    if (!NAMES.has(name)) {
      throw new TypeError(`unknown option ${name} (known: ${[...NAMES].join(', ')})`);
    }
  }
  const s = { ...DEFAULTS };
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined) s[name] = value;
  }
  if (s.after !== null) s.after = wholeNumber('after', s.after, 0);
  if (s.epoch !== null && (typeof s.epoch !== 'string' || s.epoch === '')) {
    throw new TypeError(`epoch must be a non-empty string or null but was ${JSON.stringify(s.epoch)}`);
  }
  s.limit = wholeNumber('limit', s.limit, 1, 1000);
  s.interval = wholeNumber('interval', s.interval, 1);
  s.wait = wholeNumber('wait', s.wait, 1000, undefined, ' (milliseconds)');
  s.backoffMin = wholeNumber('backoffMin', s.backoffMin, 1);
  s.backoffMax = wholeNumber('backoffMax', s.backoffMax, s.backoffMin, undefined, ' (and >= backoffMin)');
  for (const name of CALLBACKS) {
    if (s[name] === undefined || s[name] === null) s[name] = noop;
    if (typeof s[name] !== 'function') throw new TypeError(`${name} must be a function`);
  }
  return s;
}

function wholeNumber(name, value, min, max = Number.MAX_SAFE_INTEGER, unit = '') {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(`${name} must be a whole number in ${min}..${max}${unit} but was ${JSON.stringify(value)}`);
  }
  return n;
}

/** Checks a channel name against the server's rule, so a typo fails here rather than in a retry loop. */
export function checkChannel(channel) {
  if (typeof channel !== 'string' || !CHANNEL.test(channel)) {
    throw new TypeError(`channel must match ${CHANNEL} but was ${JSON.stringify(channel)}`);
  }
  return channel;
}

/**
 * The retry delay after `failures` failures in a row: full jitter, uniformly random in
 * [0, min(max, min * 2^failures)].
 */
export function backoffDelay(failures, min = DEFAULTS.backoffMin, max = DEFAULTS.backoffMax) {
  const ceiling = Math.min(max, min * 2 ** Math.min(failures, 30));
  return Math.random() * ceiling;
}

/** `baseUrl` as an absolute URL ending in a slash (relative ones resolve against the page). */
export function baseOf(baseUrl) {
  const text = String(baseUrl);
  return new URL(text.endsWith('/') ? text : text + '/', globalThis.location?.href);
}

/** `<base>channels/<channel>/<path>` with the query parameters that have a value. */
export function channelUrl(baseUrl, channel, path, query = {}) {
  const url = new URL(`channels/${encodeURIComponent(channel)}/${path}`, baseOf(baseUrl));
  for (const [name, value] of Object.entries(query)) {
    if (value !== null && value !== undefined) url.searchParams.set(name, String(value));
  }
  return url.toString();
}

/**
 * fetch() for every HTTP request of every transport, so what a request carries besides the URL is decided
 * in one place. Resolves with the Response when it is 2xx or 304; otherwise rejects with an Error whose
 * `status` and `problem` (the problem+json body, when there is one) say why.
 */
export async function request(url, init = {}) {
  const response = await fetch(url, {
    cache: 'no-store',
    ...init,
    headers: { Accept: 'application/json', ...(init.headers ?? {}) },
  });
  if (response.ok || response.status === 304) return response;
  let problem = null;
  try { problem = await response.json(); } catch (e) { /* not JSON: the status says enough */ }
  const error = new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}`
      + (problem?.detail ? `: ${problem.detail}` : ''));
  error.status = response.status;
  error.problem = problem;
  throw error;
}

/**
 * Publishes `data` (any JSON value) to `channel` with POST <base>channels/<channel>/messages; resolves with
 * the stored message {id, channel, data, ts}, rejects with an Error carrying `status` and `problem`.
 */
export async function publish(baseUrl, channel, data) {
  checkChannel(channel);
  const response = await request(channelUrl(baseUrl, channel, 'messages'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(data === undefined ? null : data),
  });
  return response.json();
}

/** Calls a user callback; one that throws is logged and never ends the subscription. */
export function safely(callback, value) {
  try {
    callback(value);
  } catch (error) {
    console.error('realtime: a callback threw', error);
  }
}

/**
 * Follows `channel` at `baseUrl` over `transport`, with the cursor, de-duplication, resets and retries
 * described above. Returns {close(), cursor()}.
 */
export function follow(baseUrl, channel, options, transport) {
  checkChannel(channel);
  const s = settings(options);
  baseOf(baseUrl); // a malformed base URL throws here, not in the first request
  const stats = transport.stats ?? createStats();
  const position = { epoch: s.epoch, after: s.after };
  let failures = 0;
  let up = false;
  let closed = false;
  let timer = null;
  let current = null; // {link, connection}

  function cursor() {
    return { epoch: position.epoch, after: position.after };
  }

  function connected() {
    failures = 0;
    if (!up) {
      up = true;
      safely(s.onReady, { epoch: position.epoch, cursor: position.after });
    }
  }

  function schedule(ms) {
    current = null;
    if (!closed) timer = setTimeout(connect, ms);
  }

  function connect() {
    timer = null;
    if (closed) return;
    let live = true;
    const link = {
      baseUrl, channel, settings: s, stats, cursor,
      url: (path, query) => channelUrl(baseUrl, channel, path, query),
      requested(url) {
        if (!live || closed) return;
        stats.requests++;
        safely(s.onRequest, url);
      },
      ready(info) {
        if (!live || closed) return;
        position.epoch = info.epoch ?? position.epoch;
        const at = Number(info.cursor);
        if (position.after === null || at > position.after) position.after = at;
        connected();
      },
      message(m) {
        if (!live || closed) return;
        const id = Number(m.id);
        if (position.after !== null && id <= position.after) return; // seen already
        position.after = id;
        stats.messages++;
        safely(s.onMessage, m);
      },
      reset(info) {
        if (!live || closed) return;
        position.epoch = info.epoch ?? position.epoch;
        position.after = Number(info.cursor);
        stats.resets++;
        safely(s.onReset, {
          epoch: position.epoch, cursor: position.after, reset: Boolean(info.reset), truncated: Boolean(info.truncated),
        });
      },
      answer(read) {
        if (!live || closed) return;
        const messages = read.messages ?? [];
        if (read.reset) {
          link.reset({ epoch: read.epoch, cursor: read.cursor, reset: true, truncated: false });
        } else if (read.truncated) {
          const before = messages.length > 0 ? Number(messages[0].id) - 1 : read.cursor;
          link.reset({ epoch: read.epoch, cursor: before, reset: false, truncated: true });
        } else {
          position.epoch = read.epoch ?? position.epoch;
        }
        for (const m of messages) link.message(m);
        // An empty answer still moves the cursor: to the head on a first read, or past a trimmed range.
        if (messages.length === 0 && (position.after === null || read.cursor > position.after)) {
          position.after = Number(read.cursor);
        }
        connected();
      },
      again(ms) {
        if (!live || closed) return;
        live = false;
        schedule(ms);
      },
      failed(error) {
        if (!live || closed) return;
        live = false;
        up = false;
        try { current?.connection?.close(); } catch (e) { /* closing a failed connection may throw; it is gone */ }
        stats.errors++;
        stats.retries++;
        safely(s.onError, error instanceof Error ? error : new Error(String(error)));
        schedule(backoffDelay(failures++, s.backoffMin, s.backoffMax));
      },
      get live() {
        return live && !closed;
      },
    };
    current = { link, connection: null };
    const mine = current;
    try {
      const connection = transport.open(link);
      if (current === mine) mine.connection = connection;
      else connection?.close(); // it failed or was closed while opening
    } catch (error) {
      link.failed(error);
    }
  }

  connect();
  return {
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      const open = current;
      current = null;
      if (open?.connection) open.connection.close();
    },
    cursor,
  };
}
