// Browser client of the websockets-redis pattern: one WebSocket per base URL carries every channel the page
// follows there (subscribe frames on GET /ws). No dependencies. Served by the handler at
// /realtime/websockets-redis.js.
//
//   import { subscribe, publish, stats } from 'http://host:8080/realtime/websockets-redis.js';
//   const sub = subscribe('http://host:8080/', 'chat', { onMessage: m => show(m) });
//   await publish('http://host:8080/', 'chat', { text: 'hi' }); // over the socket while it is open
//   sub.cursor();  // { epoch, after } to resume later with subscribe(..., { after, epoch })
//
// When the socket closes, every subscription on it fails and subscribes again from its own cursor after
// realtime-core.js's backoff; the first one back opens the new socket, the others join it. An error frame
// naming a subscription's channel (a refused subscribe) makes that subscription retry the same way.
// Options, cursor, de-duplication and resets are realtime-core.js's (its header lists the options).
import * as core from './realtime-core.js';

/** Counters for all subscriptions of this page: requests, messages, resets, errors, retries, sockets, frames. */
export const stats = core.createStats({ sockets: 0, framesIn: 0, framesOut: 0 });

const sockets = new Map(); // socket URL -> Socket
const followed = new Set(); // socket URL + ' ' + channel, one subscription per channel and socket

function socketUrl(baseUrl) {
  const url = new URL('ws', core.baseOf(baseUrl));
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** One socket and the subscriptions (links) it carries; opened by the first link, closed with the last. */
class Socket {
  constructor(url) {
    this.url = url;
    this.ws = null;
    this.links = new Map(); // channel -> link
    this.pending = new Map(); // publish ref -> {resolve, reject, channel, data}
    this.nextRef = 1;
  }

  get open() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  send(frame) {
    if (!this.open) return false;
    this.ws.send(JSON.stringify(frame));
    stats.framesOut++;
    return true;
  }

  attach(link) {
    this.links.set(link.channel, link);
    if (this.open) {
      this.subscribe(link);
    } else if (this.ws === null) {
      this.connect(link);
    } // else connecting: onopen subscribes every link
  }

  detach(link) {
    if (this.links.get(link.channel) !== link) return;
    this.links.delete(link.channel);
    this.send({ type: 'unsubscribe', channel: link.channel });
    this.closeIfUnused();
  }

  closeIfUnused() {
    if (this.links.size > 0 || this.pending.size > 0) return;
    sockets.delete(this.url);
    if (this.ws) this.ws.close(1000, 'no channels left');
    this.ws = null;
  }

  subscribe(link) {
    const { epoch, after } = link.cursor();
    const frame = { type: 'subscribe', channel: link.channel };
    if (after !== null) frame.after = after;
    if (epoch) frame.epoch = epoch;
    this.send(frame);
  }

  connect(link) {
    link.requested(this.url);
    const ws = new WebSocket(this.url);
    this.ws = ws;
    stats.sockets++;
    ws.onopen = () => {
      for (const l of this.links.values()) this.subscribe(l);
    };
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      stats.framesIn++;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (error) {
        console.error('websockets-redis: unreadable frame', event.data);
        return;
      }
      this.receive(frame);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      sockets.delete(this.url);
      const error = new Error(`socket ${this.url} closed: ${event.code} ${event.reason}`.trim());
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
      const links = [...this.links.values()];
      this.links.clear();
      for (const l of links) l.failed(error);
    };
  }

  receive(frame) {
    const { type, ...rest } = frame;
    const link = this.links.get(frame.channel);
    if (type === 'message' && link) {
      link.message(rest);
    } else if (type === 'subscribed' && link) {
      link.ready({ epoch: frame.epoch, cursor: frame.cursor });
    } else if (type === 'reset' && link) {
      link.reset({ epoch: frame.epoch, cursor: frame.cursor, reset: !frame.truncated, truncated: Boolean(frame.truncated) });
    } else if (type === 'ack' || (type === 'error' && frame.ref !== null && frame.ref !== undefined)) {
      const p = this.pending.get(String(frame.ref));
      if (!p) return;
      this.pending.delete(String(frame.ref));
      if (type === 'ack') {
        p.resolve({ id: frame.id, channel: frame.channel ?? p.channel, data: p.data, ts: frame.ts });
      } else {
        p.reject(frameError(frame));
      }
      this.closeIfUnused();
    } else if (type === 'error' && link) {
      link.failed(frameError(frame));
    }
  }

  publish(channel, data) {
    const ref = 'p' + this.nextRef++;
    return new Promise((resolve, reject) => {
      this.pending.set(ref, { resolve, reject, channel, data });
      this.send({ type: 'publish', channel, data, ref });
    });
  }
}

function frameError(frame) {
  const error = new Error(frame.detail || `error frame ${frame.status}`);
  error.status = frame.status;
  error.problem = frame;
  return error;
}

/** Follows `channel` on the server at `baseUrl`; returns {close(), cursor()}. */
export function subscribe(baseUrl, channel, options = {}) {
  const url = socketUrl(baseUrl);
  const key = url + ' ' + channel;
  if (followed.has(key)) throw new Error(`channel ${channel} is already followed on ${url}`);
  const subscription = core.follow(baseUrl, channel, options, {
    stats,
    open(link) {
      let socket = sockets.get(url);
      if (!socket) {
        socket = new Socket(url);
        sockets.set(url, socket);
      }
      socket.attach(link);
      return { close: () => socket.detach(link) };
    },
  });
  followed.add(key);
  return {
    close() {
      followed.delete(key);
      subscription.close();
    },
    cursor: subscription.cursor,
  };
}

/**
 * Publishes `data` (any JSON value) to `channel`: over the open socket when there is one (a publish frame,
 * answered by its ack), else with POST /channels/{channel}/messages. Resolves with the stored message
 * {id, channel, data, ts} either way.
 */
export function publish(baseUrl, channel, data) {
  core.checkChannel(channel);
  const socket = sockets.get(socketUrl(baseUrl));
  if (socket && socket.open) return socket.publish(channel, data);
  stats.requests++;
  return core.publish(baseUrl, channel, data);
}
