// The demo page: one pane per pattern, each driven by that pattern's own browser module, all following one
// channel from the same cursor. Every module takes the same options (realtime-core.js lists them), so a pane
// differs from another only by the module it imports. Plain ES module, no framework, no build step.

const HOW = {
  'polling': 'Asks "anything after my cursor?" on a fixed interval.',
  'long-polling': 'Each request is held open until a message arrives or it times out.',
  'long-polling-broker': 'Long-polling whose parked requests are woken by the broker, for many nodes.',
  'sse-db-polling': 'One event stream; the server polls the store on an interval for every stream at once.',
  'websockets-redis': 'One socket; nodes relay through the broker.',
};

const $ = (root, selector) => root.querySelector(selector);

async function getJson(path) {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) {
    throw new Error(`${path} answered ${response.status}`);
  }
  return response.json();
}

/** Where a pattern is mounted, as an absolute URL ending in a slash. */
function baseFor(prefix) {
  return new URL(prefix + '/', location.href).href;
}

function formatMillis(ms) {
  if (!Number.isFinite(ms)) {
    return '-';
  }
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms).toLocaleString()} ms`;
}

class Pane {
  constructor(pattern, module, channel, start) {
    this.pattern = pattern;
    this.module = module;
    this.channel = channel;
    this.epoch = start.epoch;
    this.after = start.cursor;
    this.subscription = null;
    this.reconnectedAt = 0;
    this.element = document.getElementById('pane').content.firstElementChild.cloneNode(true);
    this.element.dataset.pattern = pattern.name;
    $(this.element, 'h2').textContent = pattern.name;
    $(this.element, '.how').textContent = HOW[pattern.name] ?? '';
    this.toggle = $(this.element, '.toggle');
    this.toggle.addEventListener('click', () => (this.subscription ? this.drop() : this.connect()));
    this.list = $(this.element, '.messages');
  }

  connect() {
    this.reconnectedAt = this.subscription === null && this.list.children.length > 0 ? Date.now() : 0;
    this.subscription = this.module.subscribe(baseFor(this.pattern.prefix), this.channel, {
      ...(this.pattern.options ?? {}),
      after: this.after,
      epoch: this.epoch,
      onMessage: (message) => this.received(message),
      onReset: (info) => this.reset(info),
      onReady: () => this.state('live', 'live'),
      onError: () => this.state('retrying', 'down'),
    });
    this.state('connecting', 'down');
    this.toggle.textContent = 'Drop connection';
    this.toggle.classList.remove('secondary');
  }

  drop() {
    // The cursor is all a subscription needs to resume later, on this transport or any other.
    ({ epoch: this.epoch, after: this.after } = this.subscription.cursor());
    this.subscription.close();
    this.subscription = null;
    this.state(`disconnected at #${this.after}`, 'down');
    this.toggle.textContent = 'Reconnect from cursor';
    this.toggle.classList.add('secondary');
  }

  received(message) {
    const now = Date.now();
    const data = message.data ?? {};
    const latency = typeof data.sentAt === 'number' ? now - data.sentAt : NaN;
    const caughtUp = this.reconnectedAt > 0 && typeof data.sentAt === 'number' && data.sentAt < this.reconnectedAt;
    const item = document.createElement('li');
    item.dataset.id = String(message.id);
    if (caughtUp) {
      item.classList.add('caught-up');
    }
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = typeof data.text === 'string' ? data.text : JSON.stringify(data);
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = `#${message.id} · ${caughtUp ? 'caught up' : formatMillis(latency)}`;
    item.append(text, meta);
    this.list.prepend(item);
    if (!caughtUp) {
      $(this.element, '.latency').textContent = formatMillis(latency);
    }
    $(this.element, '.cursor').textContent = `#${message.id}`;
  }

  reset(info) {
    const item = document.createElement('li');
    item.className = 'reset';
    item.textContent = info.truncated ? 'some messages were trimmed by retention' : 'the stream was reset';
    this.list.prepend(item);
    $(this.element, '.cursor').textContent = `#${info.cursor}`;
  }

  state(text, kind) {
    const state = $(this.element, '.state');
    state.textContent = text;
    state.className = `state ${kind}`;
  }

  requests(count) {
    $(this.element, '.requests').textContent = Number(count).toLocaleString();
  }
}

async function main() {
  const status = document.getElementById('status');
  const config = await getJson('/__demo.json');
  document.getElementById('channel').textContent = `channel "${config.channel}" · broker: ${config.broker}`;
  const start = await getJson('/__head');
  const panes = [];
  for (const pattern of config.patterns) {
    const module = await import(pattern.script);
    const pane = new Pane(pattern, module, config.channel, start);
    panes.push(pane);
    document.getElementById('panes').append(pane.element);
    pane.connect();
  }
  document.body.dataset.ready = 'true';

  document.getElementById('compose').addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = document.getElementById('text');
    const text = input.value.trim();
    if (!text || panes.length === 0) {
      return;
    }
    const first = panes[0];
    try {
      const stored = await first.module.publish(baseFor(first.pattern.prefix), config.channel, { text, sentAt: Date.now() });
      status.textContent = `sent as #${stored.id}`;
      input.value = '';
    } catch (error) {
      status.textContent = `publish failed: ${error.status ?? error.message}`;
    }
  });

  const refresh = async () => {
    try {
      const stats = await getJson('/__stats');
      for (const pane of panes) {
        pane.requests(stats[pane.pattern.name] ?? 0);
      }
    } catch (error) {
      status.textContent = `stats unavailable: ${error.message}`;
    }
  };
  await refresh();
  setInterval(refresh, 1000);
}

main().catch((error) => {
  document.getElementById('status').textContent = `demo failed to start: ${error.message}`;
});
