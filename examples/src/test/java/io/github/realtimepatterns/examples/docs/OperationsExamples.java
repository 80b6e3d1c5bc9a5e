package io.github.realtimepatterns.examples.docs;

import io.github.realtimepatterns.core.change.ChangeSource;
import io.github.realtimepatterns.core.change.PostgresChangeSource;
import io.github.realtimepatterns.core.store.JdbcOptions;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.store.Retention;
import io.github.realtimepatterns.ssedbpolling.SseDbPolling;
import io.github.realtimepatterns.ssedbpolling.SseDbPollingHandler;
import java.time.Duration;

/**
 * The code of {@code docs/operations.md}: each java block of the page is a region of this file
 * ({@link DocsSnippetsTest} checks them), and each method here is run by a test ({@link DocsSnippetsTest}
 * for retention, {@link PostgresNodesIT} for the PostgreSQL-only nodes).
 */
final class OperationsExamples {

    private OperationsExamples() {
    }

    /** A JDBC store with its own retention and pool size. */
    static MessageStore retentionStore(String jdbcUrl) {
        // snippet: retention
        MessageStore store = MessageStores.jdbc(JdbcOptions.builder(jdbcUrl)
                .retention(new Retention(50_000, Duration.ofDays(7)))   // per channel
                .maxConnections(20)
                .build());
        // end snippet: retention
        return store;
    }

    /** What one node on PostgreSQL alone opens: closed by {@link #close()}, handler first. */
    record PostgresNode(MessageStore store, ChangeSource changes, SseDbPollingHandler handler) implements AutoCloseable {
        @Override
        public void close() {
            handler.close();
            changes.close();
            store.close();
        }
    }

    /** One SSE node woken by PostgreSQL's LISTEN/NOTIFY, with no Redis. */
    static PostgresNode postgresNode(String jdbcUrl) {
        // snippet: postgres-node
        JdbcOptions options = JdbcOptions.builder(jdbcUrl)
                .appendHook(PostgresChangeSource.NOTIFY)     // NOTIFY in every append's transaction
                .build();
        MessageStore store = MessageStores.jdbc(options);
        ChangeSource changes = PostgresChangeSource.builder(store, options).build();   // one LISTEN connection
        SseDbPollingHandler handler = SseDbPolling.builder(store)
                .changeSource(changes)                       // woken by NOTIFY, not by a poll interval
                .build();
        // end snippet: postgres-node
        return new PostgresNode(store, changes, handler);
    }
}
