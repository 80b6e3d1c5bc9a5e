package io.github.realtimepatterns.core.http;

import io.github.realtimepatterns.core.BrokerException;
import io.github.realtimepatterns.core.ProtocolException;
import io.github.realtimepatterns.core.StoreException;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import java.util.Deque;

/**
 * What handlers do with an exchange again and again: read a query parameter or a number (with 4xx answers
 * naming the bad field), run blocking work off the IO thread, and turn failures into problems. Opening a
 * channel request (channel, cursor, limit, authorization) is the {@link RequestEntry}'s job.
 */
public final class Exchanges {

    private static final System.Logger LOG = System.getLogger(Exchanges.class.getName());

    private Exchanges() {
    }

    /** Work to run for an exchange that may throw our exceptions. */
    @FunctionalInterface
    public interface Work {
        /**
         * Does the work; throws to answer with a problem.
         *
         * @throws java.lang.Exception whatever the task throws; the caller answers it as a problem
         */
        void run() throws Exception;
    }

    /**
     * Runs {@code work} on a worker thread (store calls block), answering failures with a problem.
     * Call from an IO thread or a worker thread.
     *
     * @param exchange the HTTP exchange
     * @param work the blocking work
     */
    public static void dispatch(HttpServerExchange exchange, Work work) {
        if (exchange.isInIoThread()) {
            exchange.dispatch(() -> guarded(exchange, work));
        } else {
            guarded(exchange, work);
        }
    }

    /**
     * Runs {@code work} here, answering any failure with the matching problem.
     *
     * @param exchange the HTTP exchange
     * @param work the blocking work
     */
    public static void guarded(HttpServerExchange exchange, Work work) {
        try {
            work.run();
        } catch (Exception e) {
            fail(exchange, e);
        }
    }

    /**
     * Ends {@code exchange} with the problem that matches {@code failure}.
     *
     * @param exchange the HTTP exchange
     * @param failure what went wrong
     */
    public static void fail(HttpServerExchange exchange, Throwable failure) {
        if (failure instanceof ProtocolException p) {
            Problems.send(exchange, p.status(), p.field(), p.getMessage());
        } else if (failure instanceof RequestTooBigException) {
            Problems.send(exchange, 413, "body", "body is larger than the limit: " + failure.getMessage());
        } else if (failure instanceof StoreException s) {
            LOG.log(System.Logger.Level.WARNING, "store unavailable: " + s.getMessage());
            Problems.send(exchange, 503, null, "the message store is unavailable; retry later");
        } else if (failure instanceof BrokerException b) {
            LOG.log(System.Logger.Level.WARNING, "broker unavailable: " + b.getMessage());
            Problems.send(exchange, 503, null, "the broker is unavailable; retry later");
        } else {
            LOG.log(System.Logger.Level.ERROR, "request " + exchange.getRequestMethod() + " "
                    + exchange.getRequestPath() + " failed", failure);
            Problems.send(exchange, 500, null, "internal error");
        }
    }

    /**
     * A query parameter, or {@code null} when absent; 400 when given twice.
     *
     * @param exchange the HTTP exchange
     * @param name the name
     * @return a query parameter, or {@code null} when absent; 400 when given twice
     */
    public static String query(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new ProtocolException(name, name + " must be given once but was given " + values.size() + " times");
        }
        return values.getFirst();
    }

    /**
     * Parses a whole number in {@code min..max}, or a 400 naming {@code field}.
     *
     * @param field the field in question
     * @param text the text
     * @param min the smallest value
     * @param max the largest value
     * @return the number
     */
    public static long parseLong(String field, String text, long min, long max) {
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new ProtocolException(field, field + " must be a whole number but was \"" + shorten(text) + "\"");
        }
        if (value < min || value > max) {
            throw new ProtocolException(field, field + " must be in " + min + ".." + max + " but was " + value);
        }
        return value;
    }

    /**
     * Sends {@code json} with status 200 and {@code Cache-Control: no-store}.
     *
     * @param exchange the HTTP exchange
     * @param status the HTTP status
     * @param json the message data, a JSON value as text
     */
    public static void sendJson(HttpServerExchange exchange, int status, String json) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(json);
    }

    private static String shorten(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
