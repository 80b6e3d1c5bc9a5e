package io.github.realtimepatterns.core.http;

import io.github.realtimepatterns.core.service.RealtimeService;
import io.undertow.server.HttpHandler;

/**
 * A pattern's mountable handler: serves {@code /channels/...}, {@code /health}, {@code /metrics} and the
 * pattern's browser client, relative to where it is mounted. {@link #close()} answers parked requests,
 * closes streams and sockets, and releases what the handler created (not the store passed in).
 */
public interface RealtimeHandler extends HttpHandler, AutoCloseable {

    /**
     * The service under this handler (publish, read, subscribe, counters).
     *
     * @return the service under this handler (publish, read, subscribe, counters)
     */
    RealtimeService service();

    /**
     * The pattern's name as in the module table: {@code polling}, {@code long-polling}, ...
     *
     * @return the pattern's name as in the module table: {@code polling}, {@code long-polling},
     */
    String pattern();

    /** Ends open exchanges, then releases resources; idempotent. */
    @Override
    void close();
}
