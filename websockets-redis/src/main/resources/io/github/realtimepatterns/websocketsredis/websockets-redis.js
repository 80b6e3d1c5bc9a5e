// Browser client of the websockets-redis pattern: one WebSocket per base URL carries every channel;
// each channel keeps its cursor (epoch + last id) and, after any disconnect, subscribes again from it, so
// onMessage sees each message once, in id order. Reconnects with capped exponential backoff and jitter.
// No dependencies. Served by the handler at /realtime/websockets-redis.js.

/** Counters for the demo page: sockets opened, frames in and out, HTTP requests. */
export const stats = { sockets: 0, framesIn: 0, framesOut: 0, requests: 0, reconnects: 0 };

const connections = new Map(); // socket URL -> connection

function socketUrl(baseUrl) {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : baseUrl + '/', location.href);
  base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  return new URL('ws', base).toString();
}

function connection(baseUrl, options) {
  const url = socketUrl(baseUrl);
  let c = connections.get(url);
  if (c) return c;
  c = {
    url, ws: null, subs: new Map(), pending: new Map(), nextRef: 1, failures: 0, timer: null,
    minDelay: options.minDelay ?? 100, maxDelay: options.maxDelay ?? 10000,
    send(frame) {
      if (this.ws && this.ws.readyState === WebSocket.OPEN) {
        this.ws.send(JSON.stringify(frame));
        stats.framesOut++;
        return true;
      }
      return false;
    },
    subscribeFrame(sub) {
      const frame = { type: 'subscribe', channel: sub.channel };
      if (sub.after !== null && sub.after !== undefined) frame.after = sub.after;
      if (sub.epoch) frame.epoch = sub.epoch;
      return frame;
    },
    open() {
      clearTimeout(this.timer);
      this.timer = null;
      const ws = new WebSocket(this.url);
      this.ws = ws;
      stats.sockets++;
      ws.onopen = () => {
        for (const sub of this.subs.values()) this.send(this.subscribeFrame(sub));
      };
      ws.onmessage = (event) => {
        stats.framesIn++;
        let f;
        try { f = JSON.parse(event.data); } catch (e) { return; }
        const sub = this.subs.get(f.channel);
        if (f.type === 'message' && sub) {
          if (sub.after === null || f.id > sub.after) {
            sub.after = f.id;
            safely(() => sub.onMessage(f));
          }
        } else if (f.type === 'subscribed' && sub) {
          sub.epoch = f.epoch;
          sub.after = sub.after === null ? f.cursor : Math.max(sub.after, f.cursor);
          this.failures = 0;
        } else if (f.type === 'reset' && sub) {
          sub.epoch = f.epoch;
          sub.after = f.cursor;
          safely(() => sub.onReset(f));
        } else if (f.type === 'ack') {
          const p = this.pending.get(String(f.ref));
          if (p) { this.pending.delete(String(f.ref)); p.resolve(f); }
        } else if (f.type === 'error') {
          const p = f.ref !== null && this.pending.get(String(f.ref));
          if (p) { this.pending.delete(String(f.ref)); p.reject(new Error(f.detail)); }
          else if (sub) safely(() => sub.onError(new Error(f.detail)));
        }
      };
      ws.onclose = (event) => {
        if (this.ws !== ws) return;
        this.ws = null;
        for (const p of this.pending.values()) p.reject(new Error('socket closed before the ack'));
        this.pending.clear();
        if (this.subs.size === 0) { connections.delete(this.url); return; }
        for (const sub of this.subs.values()) safely(() => sub.onError(new Error('socket closed: ' + event.code)));
        const ceiling = Math.min(this.maxDelay, this.minDelay * 2 ** Math.min(this.failures++, 20));
        const delay = this.minDelay + Math.random() * (ceiling - this.minDelay);
        stats.reconnects++;
        this.timer = setTimeout(() => this.open(), delay);
      };
    },
  };
  connections.set(url, c);
  c.open();
  return c;
}

function safely(call) {
  try { call(); } catch (e) { console.error('websockets-redis listener threw', e); }
}

/**
 * Follows `channel` on the server at `baseUrl`. `after`: last id seen (omit for only new messages, 0 for
 * everything retained); `epoch`: the epoch that id belongs to. Returns {close(), cursor()}.
 */
export function subscribe(baseUrl, channel, { after = null, epoch = null, onMessage = () => {},
                                              onReset = () => {}, onError = () => {}, minDelay, maxDelay } = {}) {
  const c = connection(baseUrl, { minDelay, maxDelay });
  if (c.subs.has(channel)) throw new Error('channel ' + channel + ' is already followed on this socket');
  const sub = { channel, after, epoch, onMessage, onReset, onError };
  c.subs.set(channel, sub);
  c.send(c.subscribeFrame(sub));
  return {
    close() {
      if (c.subs.get(channel) !== sub) return;
      c.subs.delete(channel);
      c.send({ type: 'unsubscribe', channel });
      if (c.subs.size === 0 && c.ws) { c.ws.close(1000, 'no channels left'); }
    },
    cursor() { return { epoch: sub.epoch, after: sub.after }; },
  };
}

/**
 * Publishes `data` (any JSON value) to `channel`: over the open socket when there is one (resolves with the
 * ack {id, channel, ts}), else with POST /channels/{channel}/messages (resolves with the stored message).
 */
export function publish(baseUrl, channel, data) {
  const c = connections.get(socketUrl(baseUrl));
  if (c && c.ws && c.ws.readyState === WebSocket.OPEN) {
    const ref = 'p' + c.nextRef++;
    return new Promise((resolve, reject) => {
      c.pending.set(ref, { resolve, reject });
      c.send({ type: 'publish', channel, data, ref });
    });
  }
  stats.requests++;
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  return fetch(base + 'channels/' + encodeURIComponent(channel) + '/messages', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(data),
  }).then(async (r) => {
    const body = await r.json();
    if (!r.ok) throw new Error(body.detail || ('publish answered ' + r.status));
    return body;
  });
}
