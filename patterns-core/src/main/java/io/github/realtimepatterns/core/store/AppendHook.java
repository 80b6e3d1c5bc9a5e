package io.github.realtimepatterns.core.store;

import io.github.realtimepatterns.core.Message;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Extra work a JDBC store does inside each append's transaction, after the message row is inserted and
 * before the commit: a {@code NOTIFY} that the database must deliver only if the message commits (see
 * {@link io.github.realtimepatterns.core.change.PostgresChangeSource#NOTIFY}). Set with {@link
 * JdbcOptions.Builder#appendHook(AppendHook)}.
 *
 * <p>Runs on the appending thread, once per append attempt, on the transaction's connection: it must not
 * commit, roll back or close it. An exception rolls the append back (nothing is stored, the caller gets a
 * {@link io.github.realtimepatterns.core.StoreException}). Keep it to one short statement: it holds the
 * channel's row lock, so every other writer of the channel waits for it.
 */
@FunctionalInterface
public interface AppendHook {

    /**
     * Called with the open transaction that has just inserted {@code stored}.
     *
     * @param transaction the open transaction's connection
     * @param stored the message just inserted
     * @throws SQLException to roll the append back
     */
    void afterInsert(Connection transaction, Message stored) throws SQLException;
}
