package io.github.realtimepatterns.ssedbpolling;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.change.ChangeSource;
import io.github.realtimepatterns.core.change.StorePoller;
import io.github.realtimepatterns.core.connection.EncodeCache;
import io.github.realtimepatterns.core.connection.Outboxes;
import io.github.realtimepatterns.core.http.ChannelRequest;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.http.RealtimeRoutes;
import io.github.realtimepatterns.core.http.RequestEntry;
import io.github.realtimepatterns.core.hub.HubSubscription;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The mountable handler of {@link SseDbPolling}: {@code GET /channels/{channel}/events} as a
 * {@code text/event-stream}, plus the shared publish, health and metrics routes and the browser client at
 * {@code /realtime/sse-db-polling.js}. Built by {@link SseDbPolling.Builder#build()}.
 *
 * <p>Thread-safe. {@link #close()} ends every stream (clients reconnect elsewhere from their cursors),
 * stops the heartbeat and the change source it created, and closes its service; the store is left open.
 */
public final class SseDbPollingHandler implements RealtimeHandler {

    private static final System.Logger LOG = System.getLogger(SseDbPollingHandler.class.getName());
    private static final HttpString ACCEL_BUFFERING = new HttpString("X-Accel-Buffering");
    private static final String SCRIPT = "/io/github/realtimepatterns/ssedbpolling/sse-db-polling.js";

    private final RealtimeService service;
    private final RequestEntry entry;
    private final HttpHandler routes;
    private final EncodeCache encoded = new EncodeCache();
    private final StreamOwner owner = new StreamOwner();
    private final Outboxes outboxes;
    private final Duration retry;
    private final Duration heartbeat;
    private final Duration pollInterval;
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker;
    private final LongAdder opened = new LongAdder();
    private final LongAdder cutOff = new LongAdder();
    private final LongAdder stalled = new LongAdder();

    SseDbPollingHandler(SseDbPolling.Builder b) {
        this.entry = RequestEntry.of(b.settings);
        this.retry = b.retry;
        this.heartbeat = b.heartbeat;
        this.pollInterval = b.pollInterval;
        this.outboxes = new Outboxes(b.sendLimits);
        this.service = b.service != null ? b.service.shared() : ownService(b);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sse-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = heartbeat.toMillis();
        ticker.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        this.routes = RealtimeRoutes.builder(this.service, entry)
                .get("/channels/{channel}/events", entry.read().lastEventId().to(this::stream))
                .script("/realtime/sse-db-polling.js", SseDbPollingHandler.class, SCRIPT)
                .metric("openStreams", this::openStreams)
                .metric("streamsOpened", opened::sum)
                .metric("streamsCutOff", cutOff::sum)
                .metric("streamsStalled", stalled::sum)
                .build();
    }

    /** The change source the handler creates and closes itself when none is given: the store poller. */
    private static RealtimeService ownService(SseDbPolling.Builder b) {
        RealtimeService.Builder service = RealtimeService.builder(b.store).sweepInterval(b.sweepInterval);
        if (b.broker != null) {
            service.broker(b.broker);
        }
        ChangeSource own = ownChangeSource(b);
        if (b.changeSource != null) {
            service.changeSource(b.changeSource);
        } else if (own != null) {
            service.ownedChangeSource(own);
        }
        return service.build();
    }

    private static ChangeSource ownChangeSource(SseDbPolling.Builder b) {
        if (b.changeSource != null) {
            return null;
        }
        return StorePoller.builder(b.store).interval(b.pollInterval).threadName("sse-store-poller").build();
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        routes.handleRequest(exchange);
    }

    @Override
    public RealtimeService service() {
        return service;
    }

    @Override
    public String pattern() {
        return SseDbPolling.PATTERN;
    }

    /**
     * Event streams open on this handler now.
     *
     * @return event streams open on this handler now
     */
    public int openStreams() {
        return streams.size();
    }

    /**
     * Streams closed because their client could not keep up (queue past its bound, or stalled), since start.
     *
     * @return streams closed because their client could not keep up (queue past its bound, or stalled), since start
     */
    public long cutOffStreams() {
        return cutOff.sum() + stalled.sum();
    }

    /**
     * The poll interval the handler was built with (unused when a change source was given).
     *
     * @return the poll interval the handler was built with (unused when a change source was given)
     */
    public Duration pollInterval() {
        return pollInterval;
    }

    /**
     * The heartbeat interval.
     *
     * @return the heartbeat interval
     */
    public Duration heartbeat() {
        return heartbeat;
    }

    /** What streams need from the handler, kept off its public API. */
    private final class StreamOwner implements EventStream.Owner {
        @Override
        public Outboxes outboxes() {
            return outboxes;
        }

        @Override
        public EncodeCache encoded() {
            return encoded;
        }

        @Override
        public void ended(EventStream stream, EventStream.End why) {
            if (streams.remove(stream)) {
                if (why == EventStream.End.CUT_OFF) {
                    cutOff.increment();
                } else if (why == EventStream.End.STALLED) {
                    stalled.increment();
                }
            }
        }
    }

    private void stream(HttpServerExchange exchange, ChannelRequest request) {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
        exchange.getResponseHeaders().put(ACCEL_BUFFERING, "no");
        EventStream stream = new EventStream(owner, exchange);
        // Dispatching to the same thread keeps Undertow from ending the exchange when this returns.
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> start(stream, request.channel(), request.cursor()));
    }

    private void start(EventStream stream, String channel, Cursor cursor) {
        streams.add(stream);
        opened.increment();
        stream.open(SseEvents.preamble(retry));
        if (entry.isClosing()) {
            stream.close(EventStream.End.SERVER);
            return;
        }
        HubSubscription sub;
        try {
            sub = service.subscribe(channel, cursor, stream);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not subscribe a stream to " + channel + ": " + e.getMessage());
            stream.close(EventStream.End.SERVER);
            return;
        }
        stream.subscribed(sub);
    }

    private void tick() {
        for (EventStream stream : streams) {
            try {
                stream.heartbeat();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "heartbeat of a stream failed", e);
            }
        }
    }

    @Override
    public void close() {
        if (!entry.startClosing()) {
            return;
        }
        ticker.shutdownNow();
        for (EventStream stream : List.copyOf(streams)) {
            stream.close(EventStream.End.SERVER);
        }
        service.close();
    }
}
