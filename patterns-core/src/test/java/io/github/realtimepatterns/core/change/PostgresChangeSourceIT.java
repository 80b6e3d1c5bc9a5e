package io.github.realtimepatterns.core.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.StoreException;
import io.github.realtimepatterns.core.store.JdbcOptions;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.Eventually;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresChangeSource} passes the change-source kit, then shows what only it has, against PostgreSQL at {@code RP_TEST_POSTGRES_URL} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test?user=postgres}; when the variable is set the database must be
 * reachable, when it is unset and the default cannot be reached the tests are skipped). Two "nodes" each
 * have their own store over the same tables (their own pools) with the {@code NOTIFY} hook; the source under
 * test belongs to the second. In the kit, the source reads the kit's store and {@link #announce} sends the
 * {@code NOTIFY} the append hook would. Its safety read is one minute, so within a test only a notification,
 * or the read after a (re)connect, can deliver a message.
 */
class PostgresChangeSourceIT extends ChangeSourceContract {

    private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final Duration SAFETY = Duration.ofMinutes(1);
    private static String url;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private String prefix;

    @BeforeAll
    static void findDatabase() {
        String configured = System.getenv("RP_TEST_POSTGRES_URL");
        url = configured == null || configured.isBlank() ? DEFAULT_URL : configured;
        try (Connection c = DriverManager.getConnection(url)) {
            c.isValid(2);
        } catch (SQLException e) {
            if (configured != null && !configured.isBlank()) {
                throw new AssertionError("RP_TEST_POSTGRES_URL is set but " + url + " cannot be reached", e);
            }
            Assumptions.abort("no PostgreSQL at " + url + " (set RP_TEST_POSTGRES_URL): " + e.getMessage());
        }
    }

    @AfterEach
    void dropTables() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        if (prefix != null) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + prefix + "messages");
                s.execute("DROP TABLE IF EXISTS " + prefix + "channels");
            }
        }
    }

    @Override
    protected ChangeSource newSource(MessageStore store) {
        return PostgresChangeSource.builder(store, JdbcOptions.builder(url).build()).safetyInterval(SAFETY).build();
    }

    /** What {@link PostgresChangeSource#NOTIFY} does in an append's transaction, here after the kit's append. */
    @Override
    protected void announce(ChangeSource source, Message stored) {
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            notify.setString(1, PostgresChangeSource.NOTIFY_CHANNEL);
            notify.setString(2, stored.channel() + ":" + stored.id());
            notify.execute();
        } catch (SQLException e) {
            throw new AssertionError("NOTIFY failed", e);
        }
    }

    private JdbcOptions options() {
        if (prefix == null) {
            prefix = "rpn_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT) + "_";
        }
        return JdbcOptions.builder(url).tablePrefix(prefix).appendHook(PostgresChangeSource.NOTIFY).build();
    }

    private MessageStore store(JdbcOptions options) {
        MessageStore store = MessageStores.jdbc(options);
        opened.add(store);
        return store;
    }

    private PostgresChangeSource source(MessageStore store, JdbcOptions options) {
        PostgresChangeSource source = PostgresChangeSource.builder(store, options).safetyInterval(SAFETY)
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).build();
        opened.add(source);
        return source;
    }

    private static String channel() {
        return "pg-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Subscribes and waits until the subscription is live: the poller's first read said so with a resync. */
    private static Recorder follow(PostgresChangeSource source, String channel) {
        Recorder recorder = new Recorder();
        source.subscribe(channel, recorder);
        Eventually.await(Duration.ofSeconds(20), () -> recorder.resyncs() > 0 && source.isHealthy(),
                "the subscription is live and the source listens");
        return recorder;
    }

    @Test
    void aMessageAppendedOnAnotherNodeArrivesByNotificationLongBeforeTheSafetyRead() {
        JdbcOptions options = options();
        MessageStore nodeA = store(options);
        MessageStore nodeB = store(options);
        PostgresChangeSource source = source(nodeB, options);
        String channel = channel();
        Recorder recorder = follow(source, channel);
        long readsBefore = source.readCount();

        Message stored = nodeA.append(channel, "{\"n\":1}");

        Eventually.await(Duration.ofSeconds(10), () -> recorder.ids().contains(stored.id()),
                () -> "the message arrives, woken by NOTIFY (safety read every " + SAFETY + "): " + recorder.ids());
        assertThat(recorder.ids()).containsExactly(stored.id());
        assertThat(source.notificationCount()).isPositive();
        assertThat(source.readCount() - readsBefore).as("store reads for one notification").isBetween(1L, 3L);
        assertThat(source.describe()).contains("LISTEN " + PostgresChangeSource.NOTIFY_CHANNEL);
    }

    @Test
    void anAppendThatRollsBackNotifiesNobody() throws Exception {
        JdbcOptions options = options();
        MessageStore nodeB = store(options);
        PostgresChangeSource source = source(nodeB, options);
        String channel = channel();
        Recorder recorder = follow(source, channel);
        // A writer whose transaction notifies and then fails after the insert, like an append that rolls back.
        JdbcOptions failing = JdbcOptions.builder(url).tablePrefix(prefix).appendHook((tx, stored) -> {
            PostgresChangeSource.NOTIFY.afterInsert(tx, stored);
            throw new SQLException("the commit is never reached");
        }).build();
        MessageStore nodeA = store(failing);
        long before = source.notificationCount();

        assertThatThrownBy(() -> nodeA.append(channel, "{\"n\":\"rolled back\"}")).isInstanceOf(StoreException.class);
        Message stored = store(options).append(channel, "{\"n\":1}");

        Eventually.await(Duration.ofSeconds(10), () -> recorder.ids().contains(stored.id()), "the committed message arrives");
        assertThat(stored.id()).as("the rolled-back append used no id").isEqualTo(1);
        assertThat(source.notificationCount() - before).as("notifications: the committed append's only").isEqualTo(1);
        assertThat(recorder.ids()).containsExactly(1L);
    }

    @Test
    void nothingIsLostWhenTheListeningConnectionIsTerminatedMidStream() throws Exception {
        JdbcOptions options = options();
        MessageStore nodeA = store(options);
        MessageStore nodeB = store(options);
        PostgresChangeSource source = source(nodeB, options);
        String channel = channel();
        Recorder recorder = follow(source, channel);
        int total = 150;
        ExecutorService publisher = Executors.newSingleThreadExecutor();
        try {
            Future<?> publishing = publisher.submit(() -> {
                for (int i = 1; i <= total; i++) {
                    nodeA.append(channel, "{\"n\":" + i + "}");
                    pause(10);
                }
            });
            for (int kill = 1; kill <= 2; kill++) {
                int at = kill * total / 3;
                Eventually.await(Duration.ofSeconds(20), () -> recorder.ids().size() >= at, "messages flow before kill");
                long reconnects = source.reconnectCount();
                terminate(source.listenerBackendPid());
                Eventually.await(Duration.ofSeconds(20), () -> source.reconnectCount() > reconnects && source.isHealthy(),
                        "the source listens again after pg_terminate_backend");
            }
            publishing.get(60, TimeUnit.SECONDS);
        } finally {
            publisher.shutdownNow();
        }
        Eventually.await(Duration.ofSeconds(20), () -> recorder.ids().size() >= total,
                () -> "every message arrives: " + recorder.ids().size() + " of " + total);
        assertThat(recorder.ids()).as("once each, in id order").isEqualTo(LongStream.rangeClosed(1, total).boxed().toList());
        assertThat(source.reconnectCount()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void refusesADatabaseThatIsNotPostgres() {
        MessageStore store = MessageStores.inMemory();
        opened.add(store);
        assertThatThrownBy(() -> PostgresChangeSource.builder(store, JdbcOptions.builder("jdbc:h2:mem:x").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PostgreSQL");
    }

    private static void terminate(Integer pid) throws SQLException {
        assertThat(pid).as("the listening backend's pid").isNotNull();
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement s = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            s.setInt(1, pid);
            s.execute();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
