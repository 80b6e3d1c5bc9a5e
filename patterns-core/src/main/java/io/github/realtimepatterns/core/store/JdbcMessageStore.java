package io.github.realtimepatterns.core.store;

import io.github.realtimepatterns.core.AppendResult;
import io.github.realtimepatterns.core.Channels;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.IdempotencyKeys;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.StoreException;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.TemplateEngine;

/**
 * A store in two SQL tables, {@code <prefix>channels} (name, epoch, last_id, created_at) and {@code
 * <prefix>messages} (channel, id, data, created_at), through Jdbi: over a HikariCP pool of its own for a
 * URL (closed with the store), or over the application's {@code DataSource} or {@code Jdbi} (used as given,
 * never closed). The same schema and SQL run on H2 (embedded or server) and PostgreSQL. Every statement has
 * the options' statement timeout.
 *
 * <p>Reads never write: a channel gets its row on its first append. The store's own epoch lives in a row
 * named {@value #STORE_ROW} (no channel can have that name), written once when the tables are made; a
 * channel that has no row yet reads in that epoch, and its row copies it when the first append creates
 * it, so a cursor taken before the first message is honoured after it. Wiping the tables draws a new
 * store epoch, so cursors from before are reset.
 *
 * <p>Idempotency keys live in {@code <prefix>idempotency_keys} (channel, idem_key, id, created_at), whose
 * primary key (channel, idem_key) is what makes a key stored once across every process sharing the
 * database: a keyed append first looks the key up (a replay writes nothing), then appends and inserts the
 * key in the same transaction; a twin that committed the key first makes that insert fail, the
 * transaction rolls back (its id with it) and the next attempt finds the twin's message. Keys past the
 * window are ignored by the lookup and deleted every few keyed appends.
 *
 * <p>Ids are gap-free in commit order: an append increments the channel row's {@code last_id} (which
 * locks that row until commit), reads it back and inserts the message in the same transaction, so the
 * next writer of the channel waits for this one to commit. Reads join the channel row and the messages in
 * one statement, so the head and the messages come from one snapshot, and apply the retention window in
 * the query: rows past retention read as trimmed even before they are deleted (deletes run every few
 * appends and, for an age limit, on a timer). Thread-safe.
 */
final class JdbcMessageStore implements MessageStore {

    private static final System.Logger LOG = System.getLogger(JdbcMessageStore.class.getName());
    private static final String UNIQUE_VIOLATION = "23505";
    /** The channels-table row holding the store's epoch; '#' is not allowed in channel names. */
    static final String STORE_ROW = "#store";
    /** Most channels named in one statement; larger requests are split. */
    static final int CHUNK = 500;

    private final JdbcOptions options;
    private final Retention retention;
    private final Clock clock;
    private final HikariDataSource ownedPool; // null over the application's DataSource or Jdbi
    private final String source; // what the messages name: the URL without its query, or the DataSource
    private final Jdbi jdbi;
    private final String channelsTable;
    private final String messagesTable;
    private final String keysTable;
    private final java.util.concurrent.atomic.AtomicLong keyedAppends = new java.util.concurrent.atomic.AtomicLong();
    private final boolean shutdownOnClose;
    private final int trimEvery;
    private final LongAdder queries = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledExecutorService ageTrimmer;
    private final Object schemaLock = new Object();
    private volatile boolean migrated;

    /** Over a pool of its own for {@code options.url()}, closed with the store. */
    JdbcMessageStore(JdbcOptions options, boolean shutdownOnClose) {
        this(requireUrl(options), StoreConnections.pool(options), shutdownOnClose);
    }

    private JdbcMessageStore(JdbcOptions options, HikariDataSource pool, boolean shutdownOnClose) {
        this(options, Jdbi.create(pool), pool, StoreConnections.safe(options.url()), shutdownOnClose);
    }

    /** Over the application's {@code dataSource}: used as given, never closed. */
    JdbcMessageStore(DataSource dataSource, JdbcOptions options) {
        this(requireNoUrl(options), Jdbi.create(Objects.requireNonNull(dataSource, "dataSource")), null,
                "DataSource " + dataSource, false);
    }

    /** Over the application's {@code jdbi}: each connection is borrowed from it; its settings stay untouched. */
    JdbcMessageStore(Jdbi application, JdbcOptions options) {
        this(requireNoUrl(options), Jdbi.create(StoreConnections.borrowing(Objects.requireNonNull(application, "jdbi"))),
                null, "Jdbi " + application, false);
    }

    private JdbcMessageStore(JdbcOptions options, Jdbi jdbi, HikariDataSource ownedPool, String source,
            boolean shutdownOnClose) {
        this.options = options;
        this.retention = options.retention();
        this.clock = options.clock();
        this.shutdownOnClose = shutdownOnClose;
        this.channelsTable = options.tablePrefix() + "channels";
        this.messagesTable = options.tablePrefix() + "messages";
        this.keysTable = options.tablePrefix() + "idempotency_keys";
        this.trimEvery = Math.max(1, Math.min(100, retention.maxMessages() / 10));
        this.ownedPool = ownedPool;
        this.source = source;
        this.jdbi = jdbi;
        jdbi.setTemplateEngine(TemplateEngine.NOP); // our SQL has '<' comparisons and no templates
        if (ownedPool == null || !StoreConnections.isH2(ownedPool.getJdbcUrl())) {
            // An H2 pool of our own has the timeout in its URL (see StoreConnections.withH2Defaults).
            jdbi.getConfig(SqlStatements.class).setQueryTimeout(StoreConnections.queryTimeoutSeconds(options.statementTimeout()));
        }
        jdbi.setSqlLogger(new SqlLogger() {
            @Override
            public void logBeforeExecution(StatementContext context) {
                queries.increment();
            }
        });
        if (retention.limitsAge()) {
            Duration period = retention.maxAge().compareTo(Duration.ofSeconds(5)) < 0
                    ? Duration.ofMillis(Math.max(100, retention.maxAge().toMillis())) : Duration.ofSeconds(5);
            ageTrimmer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "rp-store-trim-" + options.tablePrefix());
                t.setDaemon(true);
                return t;
            });
            ageTrimmer.scheduleWithFixedDelay(this::trimByAge, period.toMillis(), period.toMillis(),
                    TimeUnit.MILLISECONDS);
        } else {
            ageTrimmer = null;
        }
    }

    /** A new, uniquely named in-memory H2 database, kept while the store is open and dropped on close. */
    static JdbcMessageStore h2InMemory(Retention retention, Clock clock) {
        String url = "jdbc:h2:mem:rp-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        return new JdbcMessageStore(JdbcOptions.builder(url).retention(retention).clock(clock).build(), true);
    }

    private static JdbcOptions requireUrl(JdbcOptions options) {
        Objects.requireNonNull(options, "options");
        if (options.url() == null) {
            throw new IllegalArgumentException("options name no JDBC URL: make them with JdbcOptions.builder(url), "
                    + "or pass the DataSource or Jdbi they are for");
        }
        return options;
    }

    private static JdbcOptions requireNoUrl(JdbcOptions options) {
        Objects.requireNonNull(options, "options");
        if (options.url() != null) {
            throw new IllegalArgumentException("options name the URL " + StoreConnections.safe(options.url())
                    + " but the store is over a given DataSource or Jdbi: make them with JdbcOptions.builder()");
        }
        return options;
    }

    /** Creates both tables and the index if missing; idempotent and safe when several processes race. */
    void migrate() {
        checkOpen();
        synchronized (schemaLock) {
            RuntimeException last = null;
            for (int attempt = 1; attempt <= 5; attempt++) {
                try {
                    jdbi.useHandle(h -> {
                        h.execute("CREATE TABLE IF NOT EXISTS " + channelsTable + " ("
                                + "name VARCHAR(128) NOT NULL PRIMARY KEY, "
                                + "epoch VARCHAR(16) NOT NULL, "
                                + "last_id BIGINT NOT NULL, "
                                + "created_at TIMESTAMP WITH TIME ZONE NOT NULL)");
                        h.execute("CREATE TABLE IF NOT EXISTS " + messagesTable + " ("
                                + "channel VARCHAR(128) NOT NULL, "
                                + "id BIGINT NOT NULL, "
                                + "data TEXT NOT NULL, "
                                + "created_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                                + "PRIMARY KEY (channel, id))");
                        h.execute("CREATE INDEX IF NOT EXISTS " + messagesTable + "_created_at ON "
                                + messagesTable + " (created_at)");
                        h.execute("CREATE TABLE IF NOT EXISTS " + keysTable + " ("
                                + "channel VARCHAR(128) NOT NULL, "
                                + "idem_key VARCHAR(128) NOT NULL, "
                                + "id BIGINT NOT NULL, "
                                + "created_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                                + "PRIMARY KEY (channel, idem_key))");
                        h.execute("CREATE INDEX IF NOT EXISTS " + keysTable + "_created_at ON "
                                + keysTable + " (created_at)");
                    });
                    createStoreRow();
                    migrated = true;
                    return;
                } catch (ConnectionException e) {
                    throw failure("creating tables " + channelsTable + " and " + messagesTable, e);
                } catch (JdbiException e) {
                    // PostgreSQL's CREATE ... IF NOT EXISTS can still fail when another process creates
                    // the same table at the same moment; the next attempt then finds it.
                    last = e;
                    pause(50L * attempt);
                }
            }
            throw failure("creating tables " + channelsTable + " and " + messagesTable, last);
        }
    }

    private void ensureSchema(String operation) {
        if (!migrated) {
            try {
                migrate();
            } catch (StoreException e) {
                throw new StoreException(operation + " failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Message append(String channel, String data) {
        return append(channel, data, null).message();
    }

    @Override
    public AppendResult append(String channel, String data, String key) {
        Channels.validate(channel);
        Objects.requireNonNull(data, "data");
        if (key != null) {
            IdempotencyKeys.validate(key, "key");
        }
        checkOpen();
        try {
            ensureSchema("append to channel " + channel);
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            int created = 0;
            int taken = 0;
            while (created < 3) {
                AppendResult result;
                try {
                    result = jdbi.inTransaction(h -> appendInTransaction(h, channel, data, key, now));
                } catch (KeyTaken e) {
                    if (++taken > 8) {
                        throw new StoreException("append to channel " + channel + " with an idempotency key "
                                + "failed: the key kept being taken by concurrent appends", e);
                    }
                    continue; // a twin with this key committed first; the next attempt answers its message
                }
                if (result != null) {
                    if (result.stored()) {
                        trimByCount(result.message());
                        if (key != null) {
                            forgetKeys(result.message(), now);
                        }
                    }
                    return result;
                }
                createChannel(channel);
                created++;
            }
            throw new StoreException("append to channel " + channel + " failed: its row vanished while "
                    + "appending (tables wiped concurrently?)");
        } catch (JdbiException e) {
            throw failure("append to channel " + channel, e);
        }
    }

    /** The insert of a key that a concurrent append of the same channel and key committed first. */
    private static final class KeyTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KeyTaken(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private AppendResult appendInTransaction(Handle h, String channel, String data, String key, Instant now) {
        if (key != null) {
            Message first = findKey(h, channel, key, data, now);
            if (first != null) {
                return new AppendResult(first, false);
            }
        }
        // The UPDATE locks the channel row until commit: the next writer waits, so ids commit in order.
        int updated = h.createUpdate("UPDATE " + channelsTable + " SET last_id = last_id + 1 WHERE name = ?")
                .bind(0, channel)
                .execute();
        if (updated == 0) {
            return null;
        }
        long id = h.createQuery("SELECT last_id FROM " + channelsTable + " WHERE name = ?")
                .bind(0, channel)
                .mapTo(Long.class)
                .one();
        h.createUpdate("INSERT INTO " + messagesTable + " (channel, id, data, created_at) VALUES (?, ?, ?, ?)")
                .bind(0, channel)
                .bind(1, id)
                .bind(2, data)
                .bind(3, timestamp(now))
                .execute();
        if (key != null) {
            // Only a forgotten entry can be here (a live one was answered above, or makes the insert fail).
            h.createUpdate("DELETE FROM " + keysTable + " WHERE channel = ? AND idem_key = ?"
                            + " AND (created_at < ? OR id <= ?)")
                    .bind(0, channel)
                    .bind(1, key)
                    .bind(2, timestamp(now.minus(IDEMPOTENCY_WINDOW)))
                    .bind(3, id - IDEMPOTENCY_KEYS_PER_CHANNEL)
                    .execute();
            try {
                h.createUpdate("INSERT INTO " + keysTable + " (channel, idem_key, id, created_at) VALUES (?, ?, ?, ?)")
                        .bind(0, channel)
                        .bind(1, key)
                        .bind(2, id)
                        .bind(3, timestamp(now))
                        .execute();
            } catch (JdbiException e) {
                if (isUniqueViolation(e)) {
                    throw new KeyTaken(e); // rolls this transaction back, the id increment with it
                }
                throw e;
            }
        }
        Message stored = new Message(channel, id, data, now);
        if (options.appendHook() != null) {
            try {
                options.appendHook().afterInsert(h.getConnection(), stored);
            } catch (SQLException e) {
                throw new StoreException("append hook for channel " + channel + " failed: " + e.getMessage(), e);
            }
        }
        return new AppendResult(stored, true);
    }

    /**
     * The message first stored under {@code key} in {@code channel} while the key is remembered, else
     * {@code null}; when retention already deleted it, its id and time with {@code data}.
     */
    private Message findKey(Handle h, String channel, String key, String data, Instant now) {
        return h.createQuery("SELECT k.id, k.created_at, m.data FROM " + keysTable + " k"
                        + " JOIN " + channelsTable + " c ON c.name = k.channel"
                        + " LEFT JOIN " + messagesTable + " m ON m.channel = k.channel AND m.id = k.id"
                        + " WHERE k.channel = ? AND k.idem_key = ? AND k.created_at >= ? AND k.id > c.last_id - ?")
                .bind(0, channel)
                .bind(1, key)
                .bind(2, timestamp(now.minus(IDEMPOTENCY_WINDOW)))
                .bind(3, (long) IDEMPOTENCY_KEYS_PER_CHANNEL)
                .map((rs, ctx) -> {
                    String stored = rs.getString(3);
                    return new Message(channel, rs.getLong(1), stored != null ? stored : data,
                            rs.getObject(2, OffsetDateTime.class).toInstant());
                })
                .findOne()
                .orElse(null);
    }

    /**
     * Deletes forgotten keys: the channel's every 100 ids, everyone's every 100 keyed appends of this store,
     * so the table holds about the keys of one window.
     */
    private void forgetKeys(Message stored, Instant now) {
        try {
            if (stored.id() % 100 == 0) {
                jdbi.useHandle(h -> h.createUpdate("DELETE FROM " + keysTable
                                + " WHERE channel = ? AND (id <= ? OR created_at < ?)")
                        .bind(0, stored.channel())
                        .bind(1, stored.id() - IDEMPOTENCY_KEYS_PER_CHANNEL)
                        .bind(2, timestamp(now.minus(IDEMPOTENCY_WINDOW)))
                        .execute());
            }
            if (keyedAppends.incrementAndGet() % 100 == 0) {
                jdbi.useHandle(h -> h.createUpdate("DELETE FROM " + keysTable + " WHERE created_at < ?")
                        .bind(0, timestamp(now.minus(IDEMPOTENCY_WINDOW)))
                        .execute());
            }
        } catch (JdbiException e) {
            LOG.log(System.Logger.Level.WARNING, "deleting forgotten idempotency keys failed; the next "
                    + "delete retries (lookups ignore them anyway): " + e.getMessage());
        }
    }

    /**
     * Inserts the channel's row in the store's epoch, in its own transaction; a concurrent twin is fine.
     * The store row is missing only when the tables were wiped under this store: then it is made again.
     */
    private void createChannel(String channel) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                int inserted = jdbi.withHandle(h -> h.createUpdate("INSERT INTO " + channelsTable
                                + " (name, epoch, last_id, created_at) SELECT ?, epoch, 0, ? FROM " + channelsTable
                                + " WHERE name = ?")
                        .bind(0, channel)
                        .bind(1, timestamp(clock.instant().truncatedTo(ChronoUnit.MICROS)))
                        .bind(2, STORE_ROW)
                        .execute());
                if (inserted > 0) {
                    return;
                }
            } catch (JdbiException e) {
                if (!isUniqueViolation(e)) {
                    throw e;
                }
                return;
            }
            createStoreRow();
        }
    }

    /** Inserts the store row with a fresh epoch unless it exists; a concurrent twin is fine. */
    private void createStoreRow() {
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO " + channelsTable
                            + " (name, epoch, last_id, created_at) SELECT ?, ?, 0, ? FROM (VALUES (1)) AS one (x)"
                            + " WHERE NOT EXISTS (SELECT 1 FROM " + channelsTable + " WHERE name = ?)")
                    .bind(0, STORE_ROW)
                    .bind(1, Epochs.next())
                    .bind(2, timestamp(clock.instant().truncatedTo(ChronoUnit.MICROS)))
                    .bind(3, STORE_ROW)
                    .execute());
        } catch (JdbiException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
        }
    }

    /** The store's epoch, for channels that have no row yet. */
    private String storeEpoch() {
        for (int attempt = 0; attempt < 2; attempt++) {
            var epoch = jdbi.withHandle(h -> h.createQuery("SELECT epoch FROM " + channelsTable + " WHERE name = ?")
                    .bind(0, STORE_ROW)
                    .mapTo(String.class)
                    .findOne());
            if (epoch.isPresent()) {
                return epoch.get();
            }
            createStoreRow(); // the tables were wiped under this store: a new stream, a new epoch
        }
        throw new StoreException("the store row " + STORE_ROW + " of " + channelsTable
                + " vanished while reading it (tables wiped concurrently?)");
    }

    private void trimByCount(Message stored) {
        long keepAfter = stored.id() - retention.maxMessages();
        if (keepAfter <= 0 || stored.id() % trimEvery != 0) {
            return; // reads hide rows past retention anyway; deleting in batches keeps appends cheap
        }
        try {
            jdbi.useHandle(h -> h.createUpdate("DELETE FROM " + messagesTable + " WHERE channel = ? AND id <= ?")
                    .bind(0, stored.channel())
                    .bind(1, keepAfter)
                    .execute());
        } catch (JdbiException e) {
            LOG.log(System.Logger.Level.WARNING, "trimming channel " + stored.channel() + " to "
                    + retention.maxMessages() + " messages failed; next trim retries: " + e.getMessage());
        }
    }

    private void trimByAge() {
        if (closed.get()) {
            return;
        }
        try {
            ensureSchema("trim by age");
            jdbi.useHandle(h -> h.createUpdate("DELETE FROM " + messagesTable + " WHERE created_at < ?")
                    .bind(0, timestamp(ageCutoff()))
                    .execute());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "trimming messages older than " + retention.maxAge()
                    + " failed; next trim retries: " + e.getMessage());
        }
    }

    @Override
    public ReadResult read(String channel, Cursor cursor, int limit) {
        Channels.validate(channel);
        Objects.requireNonNull(cursor, "cursor");
        InMemoryMessageStore.requireLimit(limit);
        checkOpen();
        try {
            ensureSchema("read of channel " + channel);
            List<Row> rows = jdbi.withHandle(h -> {
                var query = h.createQuery("SELECT c.name, c.epoch, c.last_id, m.id, m.data, m.created_at"
                        + " FROM " + channelsTable + " c LEFT JOIN " + messagesTable + " m"
                        + " ON " + messageWindow("?") + " WHERE c.name = ? ORDER BY m.id LIMIT ?");
                int i = bindWindow(query, 0, afterOf(cursor));
                return query.bind(i, channel).bind(i + 1, limit + 1).map(ROW).list();
            });
            if (!rows.isEmpty()) {
                return answer(cursor, rows, limit);
            }
            return CursorRules.answer(cursor, storeEpoch(), 0, List.of(), limit); // no row: nothing written
        } catch (JdbiException e) {
            throw failure("read of channel " + channel + " after " + describe(cursor), e);
        }
    }

    @Override
    public Map<String, ReadResult> readMany(Map<String, Cursor> cursors, int limitPerChannel) {
        InMemoryMessageStore.requireLimit(limitPerChannel);
        cursors.forEach((channel, cursor) -> {
            Channels.validate(channel);
            Objects.requireNonNull(cursor, "cursor of " + channel);
        });
        checkOpen();
        Map<String, ReadResult> results = new LinkedHashMap<>();
        if (cursors.isEmpty()) {
            return results;
        }
        try {
            ensureSchema("read of " + cursors.size() + " channels (" + first(cursors.keySet()) + ", ...)");
            Map<String, ReadResult> found = new HashMap<>();
            List<Map.Entry<String, Cursor>> entries = new ArrayList<>(cursors.entrySet());
            for (int from = 0; from < entries.size(); from += CHUNK) {
                List<Map.Entry<String, Cursor>> chunk = entries.subList(from, Math.min(entries.size(), from + CHUNK));
                found.putAll(readChunk(chunk, limitPerChannel));
            }
            String storeEpoch = null;
            for (Map.Entry<String, Cursor> e : cursors.entrySet()) {
                ReadResult result = found.get(e.getKey());
                if (result == null) { // no row yet: empty in the store's epoch, and nothing written
                    storeEpoch = storeEpoch == null ? storeEpoch() : storeEpoch;
                    result = CursorRules.answer(e.getValue(), storeEpoch, 0, List.of(), limitPerChannel);
                }
                results.put(e.getKey(), result);
            }
            return results;
        } catch (JdbiException e) {
            throw failure("read of " + cursors.size() + " channels (" + first(cursors.keySet()) + ", ...)", e);
        }
    }

    /** One statement for up to {@link #CHUNK} channels, each after its own cursor, at most {@code limit + 1} rows each. */
    private Map<String, ReadResult> readChunk(List<Map.Entry<String, Cursor>> chunk, int limit) {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < chunk.size(); i++) {
            values.append(i == 0 ? "" : ", ").append("(CAST(? AS VARCHAR(128)), CAST(? AS BIGINT))");
        }
        String sql = "SELECT t.name, t.epoch, t.last_id, t.id, t.data, t.created_at FROM ("
                + "SELECT c.name, c.epoch, c.last_id, m.id, m.data, m.created_at,"
                + " ROW_NUMBER() OVER (PARTITION BY c.name ORDER BY m.id) AS rn"
                + " FROM (VALUES " + values + ") AS q (channel, after_id)"
                + " JOIN " + channelsTable + " c ON c.name = q.channel"
                + " LEFT JOIN " + messagesTable + " m ON " + messageWindow("q.after_id")
                + ") t WHERE t.rn <= ? ORDER BY t.name, t.id";
        List<Row> rows = jdbi.withHandle(h -> {
            var query = h.createQuery(sql);
            int i = 0;
            for (Map.Entry<String, Cursor> e : chunk) {
                query.bind(i++, e.getKey());
                query.bind(i++, afterOf(e.getValue()));
            }
            i = bindWindow(query, i, null);
            return query.bind(i, limit + 1).map(ROW).list();
        });
        Map<String, List<Row>> byChannel = new LinkedHashMap<>();
        rows.forEach(r -> byChannel.computeIfAbsent(r.channel, c -> new ArrayList<>()).add(r));
        Map<String, ReadResult> results = new HashMap<>();
        for (Map.Entry<String, Cursor> e : chunk) {
            List<Row> channelRows = byChannel.get(e.getKey());
            if (channelRows != null) {
                results.put(e.getKey(), answer(e.getValue(), channelRows, limit));
            }
        }
        return results;
    }

    /**
     * The join condition selecting a channel's messages after {@code afterExpr} within retention: at most
     * {@code maxMessages} below the head and, with an age limit, not older than it.
     */
    private String messageWindow(String afterExpr) {
        return "m.channel = c.name AND m.id > " + afterExpr + " AND m.id <= c.last_id AND m.id > c.last_id - ?"
                + (retention.limitsAge() ? " AND m.created_at >= ?" : "");
    }

    /** Binds the parameters of {@link #messageWindow}: {@code after} when not null, then the retention. */
    private int bindWindow(org.jdbi.v3.core.statement.Query query, int index, Long after) {
        int i = index;
        if (after != null) {
            query.bind(i++, after.longValue());
        }
        query.bind(i++, (long) retention.maxMessages());
        if (retention.limitsAge()) {
            query.bind(i++, timestamp(ageCutoff()));
        }
        return i;
    }

    private Instant ageCutoff() {
        return clock.instant().minus(retention.maxAge());
    }

    private static long afterOf(Cursor cursor) {
        return cursor.isHead() ? Long.MAX_VALUE : cursor.after(); // the head needs no messages
    }

    private static ReadResult answer(Cursor cursor, List<Row> rows, int limit) {
        Row first = rows.get(0);
        List<Message> fetched = new ArrayList<>(rows.size());
        for (Row r : rows) {
            if (r.message != null) {
                fetched.add(r.message);
            }
        }
        return CursorRules.answer(cursor, first.epoch, first.lastId, fetched, limit);
    }

    @Override
    public long head(String channel) {
        return heads(List.of(channel)).get(channel);
    }

    @Override
    public Map<String, Long> heads(Collection<String> channels) {
        channels.forEach(Channels::validate);
        checkOpen();
        Map<String, Long> heads = new LinkedHashMap<>();
        if (channels.isEmpty()) {
            return heads;
        }
        try {
            ensureSchema("head of " + channels.size() + " channels (" + first(channels) + ", ...)");
            List<String> names = List.copyOf(new java.util.LinkedHashSet<>(channels));
            Map<String, Long> found = new HashMap<>();
            for (int from = 0; from < names.size(); from += CHUNK) {
                List<String> chunk = names.subList(from, Math.min(names.size(), from + CHUNK));
                String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
                jdbi.useHandle(h -> {
                    var query = h.createQuery("SELECT name, last_id FROM " + channelsTable
                            + " WHERE name IN (" + marks + ")");
                    for (int i = 0; i < chunk.size(); i++) {
                        query.bind(i, chunk.get(i));
                    }
                    query.map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                            .forEach(e -> found.put(e.getKey(), e.getValue()));
                });
            }
            names.forEach(name -> heads.put(name, found.getOrDefault(name, 0L)));
            return heads;
        } catch (JdbiException e) {
            throw failure("head of " + channels.size() + " channels (" + first(channels) + ", ...)", e);
        }
    }

    @Override
    public void checkHealth() {
        checkOpen();
        try {
            jdbi.useHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
        } catch (JdbiException e) {
            throw failure("health check of " + source, e);
        }
    }

    /** Rows in the channels table (for the contract kit: reads must not add any). */
    long channelRows() {
        ensureSchema("counting channels");
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + channelsTable).mapTo(Long.class).one());
    }

    @Override
    public long queryCount() {
        return queries.sum();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (ageTrimmer != null) {
            ageTrimmer.shutdownNow();
        }
        if (ownedPool != null) {
            ownedPool.close();
        }
        if (shutdownOnClose) {
            // After the pool, so that no pooled connection re-creates the database once it is dropped.
            try (Connection connection = DriverManager.getConnection(options.url());
                    Statement statement = connection.createStatement()) {
                queries.increment();
                statement.execute("SHUTDOWN"); // drops the in-memory database
            } catch (SQLException e) {
                LOG.log(System.Logger.Level.WARNING, "dropping in-memory database failed: " + e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return "JdbcMessageStore[" + source + ", tablePrefix=" + options.tablePrefix() + "]";
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new StoreException("store " + source + " is closed");
        }
    }

    private StoreException failure(String operation, RuntimeException e) {
        if (closed.get()) {
            return new StoreException(operation + " failed: store " + source + " is closed", e);
        }
        return new StoreException(operation + " failed on " + source + ": " + rootMessage(e), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Cursor cursor) {
        return cursor.isHead() ? "the head" : cursor.epoch() + ":" + cursor.after();
    }

    private static String first(Collection<String> names) {
        return names.isEmpty() ? "none" : names.iterator().next();
    }

    private static Argument timestamp(Instant instant) {
        OffsetDateTime value = instant.atOffset(ZoneOffset.UTC);
        return (position, statement, ctx) -> statement.setObject(position, value);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One row of a read: the channel row's fields and, unless the join found none, one message. */
    private record Row(String channel, String epoch, long lastId, Message message) {
    }

    private static final RowMapper<Row> ROW = (ResultSet rs, StatementContext ctx) -> {
        String channel = rs.getString(1);
        long id = rs.getLong(4);
        Message message = rs.wasNull() ? null : new Message(channel, id, rs.getString(5),
                rs.getObject(6, OffsetDateTime.class).toInstant());
        return new Row(channel, rs.getString(2), rs.getLong(3), message);
    };
}
