package io.github.realtimepatterns.core.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.ReadResult;
import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.hub.ChannelHub;
import io.github.realtimepatterns.core.hub.HubSubscription;
import io.github.realtimepatterns.core.hub.Subscriber;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.store.MessageStores;
import io.github.realtimepatterns.core.testing.Eventually;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The send queue's policy against a real socket whose client reads, stops reading or goes away. */
class OutboxTest {

    private final HeldExchanges server = new HeldExchanges();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        server.close();
    }

    /** What the outbox told its transport. */
    private static final class Calls implements Outbox.Listener {
        final List<Outbox.CutOff> cutOffs = new CopyOnWriteArrayList<>();
        final List<IOException> failures = new CopyOnWriteArrayList<>();

        @Override
        public void cutOff(Outbox.CutOff why) {
            cutOffs.add(why);
        }

        @Override
        public void writeFailed(IOException cause) {
            failures.add(cause);
        }
    }

    private Socket client() throws IOException {
        Socket socket = server.connect();
        open.add(0, socket);
        return socket;
    }

    /** An outbox over the response of a request from {@code client}; its body is the raw bytes (HTTP/1.0). */
    private Outbox open(Outboxes outboxes, Socket client, Calls calls) throws Exception {
        HeldExchanges.request(client, "/stream", true);
        return HeldExchanges.onIoThread(server.next(), e -> {
            e.setStatusCode(200);
            return outboxes.open(e.getIoThread(), e.getResponseChannel(), calls);
        });
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
    }

    @Test
    void pausesTheHubSubscriptionAtHighWaterAndResumesAtLowWaterLosingNothing() throws Exception {
        MessageStore store = MessageStores.inMemory();
        InJvmBroker broker = new InJvmBroker();
        ChannelHub hub = ChannelHub.builder(store, broker).sweepInterval(Duration.ofMinutes(5)).build();
        open.add(hub);
        open.add(broker);
        open.add(store);
        SendLimits limits = SendLimits.of(4, 8 * 1024, 10_000, 16 * 1024 * 1024, Duration.ofSeconds(30));
        Socket client = client();
        Calls calls = new Calls();
        Outbox outbox = open(new Outboxes(limits), client, calls);
        AtomicReference<HubSubscription> subscription = new AtomicReference<>();
        AtomicInteger handed = new AtomicInteger();
        AtomicLong mostQueued = new AtomicLong();
        AtomicInteger pauses = new AtomicInteger();
        Subscriber slow = new Subscriber() {
            @Override
            public void onBatch(ReadResult batch) {
                StringBuilder lines = new StringBuilder();
                for (Message m : batch.messages()) {
                    lines.append(m.id()).append(' ').append(m.data()).append('\n');
                }
                if (!batch.messages().isEmpty()) {
                    handed.addAndGet(batch.messages().size());
                    outbox.send(batch.messages().size(), bytes(lines.toString()));
                    mostQueued.accumulateAndGet(outbox.queuedBytes(), Math::max);
                }
            }

            @Override
            public boolean wantsMore() {
                boolean more = outbox.wantsMore(subscription.get());
                if (!more) {
                    pauses.incrementAndGet();
                }
                return more;
            }
        };
        AtomicInteger heard = new AtomicInteger(-1);
        hub.subscribe("c", Cursor.after(0), batch -> heard.addAndGet(batch.messages().size() + (heard.get() < 0 ? 1 : 0)));
        subscription.set(hub.subscribe("c", Cursor.after(0), slow));
        String pad = "\"" + "x".repeat(4000) + "\"";
        int total = 200;
        Eventually.await(() -> heard.get() == 0, "joined");
        for (int i = 0; i < total; i++) {
            broker.publish(store.append("c", pad));
        }
        Eventually.await(Duration.ofSeconds(20), () -> heard.get() >= total, () -> "the hub fanned out every message; heard " + heard.get()
                + ", handed to the slow one " + handed.get());
        assertThat(heard.get()).as("messages the other subscriber heard").isEqualTo(total);
        // The client has read nothing: the queue holds at most the high water plus one batch and the store the
        // rest (how much the kernel's socket buffers take meanwhile depends on the machine, so the count of
        // messages handed over is not asserted).
        assertThat(pauses.get()).isPositive();
        assertThat(mostQueued.get()).isLessThanOrEqualTo(limits.highWaterBytes() + 4100);

        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        HeldExchanges.readHead(client.getInputStream());
        List<Long> ids = new ArrayList<>();
        while (ids.size() < total) {
            String line = in.readLine();
            assertThat(line).as("after %d messages", ids.size()).isNotNull();
            ids.add(Long.parseLong(line.substring(0, line.indexOf(' '))));
        }
        for (int i = 0; i < total; i++) {
            assertThat(ids.get(i)).isEqualTo(i + 1L);
        }
        assertThat(handed.get()).isEqualTo(total);
        assertThat(calls.cutOffs).isEmpty();
    }

    @Test
    void aSendThatFindsTheQueuePastItsBoundCutsTheClientOffOnce() throws Exception {
        SendLimits limits = SendLimits.of(2, 1024, 8, 16 * 1024, Duration.ofSeconds(30));
        Calls calls = new Calls();
        Outbox outbox = open(new Outboxes(limits), client(), calls);
        ByteBuffer kib = bytes("y".repeat(1024));
        int sent = 0;
        while (outbox.send(1, kib)) {
            sent++;
            assertThat(sent).as("sends before the bound is hit").isLessThan(5000);
        }
        assertThat(calls.cutOffs).containsExactly(Outbox.CutOff.OVERFLOW);
        assertThat(outbox.send(1, kib)).isFalse();
        assertThat(calls.cutOffs).hasSize(1);
        assertThat(kib.position()).as("a shared buffer is not consumed").isZero();
    }

    @Test
    void aSocketThatTakesNoByteForTheStallTimeoutIsCutOff() throws Exception {
        SendLimits limits = SendLimits.of(2, 1024, 10_000, 16 * 1024 * 1024, Duration.ofMillis(300));
        Calls calls = new Calls();
        Outbox outbox = open(new Outboxes(limits), client(), calls);
        long t0 = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            assertThat(outbox.send(1, bytes("z".repeat(1024)))).isTrue();
        }
        Eventually.await(() -> !calls.cutOffs.isEmpty(), "the stalled client cut off");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(calls.cutOffs).containsExactly(Outbox.CutOff.STALLED);
    }

    @Test
    void theLastBufferIsWrittenAfterEverythingQueuedThenItsActionRunsAndNothingMoreIsTaken() throws Exception {
        Calls calls = new Calls();
        Socket client = client();
        Outbox outbox = open(new Outboxes(SendLimits.of(16, 64 * 1024, 64, 1024 * 1024, Duration.ofSeconds(30))),
                client, calls);
        ByteBuffer shared = bytes("shared\n");
        assertThat(outbox.send(1, bytes("one\n"), shared)).isTrue();
        assertThat(outbox.send(1, shared)).isTrue();
        CompletableFuture<Boolean> afterWritten = new CompletableFuture<>();
        assertThat(outbox.sendLast(bytes("last\n"), () -> afterWritten.complete(outbox.isEmpty()))).isTrue();
        assertThat(outbox.send(1, bytes("late\n"))).as("nothing after the last").isFalse();
        assertThat(outbox.sendLast(bytes("again\n"), null)).isFalse();
        assertThat(afterWritten.get(20, TimeUnit.SECONDS)).as("empty when the action runs").isTrue();
        InputStream in = client.getInputStream();
        HeldExchanges.readHead(in);
        byte[] body = new byte["one\nshared\nshared\nlast\n".length()];
        int n = 0;
        while (n < body.length) {
            int r = in.read(body, n, body.length - n);
            assertThat(r).isPositive();
            n += r;
        }
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("one\nshared\nshared\nlast\n");
        assertThat(shared.position()).isZero();
        assertThat(calls.cutOffs).isEmpty();
    }

    @Test
    void aWriteToAClientThatWentAwayIsReportedAndTheQueueDropped() throws Exception {
        Calls calls = new Calls();
        Socket client = client();
        Outbox outbox = open(new Outboxes(SendLimits.of(16, 64 * 1024, 64, 1024 * 1024, Duration.ofSeconds(30))),
                client, calls);
        client.setSoLinger(true, 0);
        client.close(); // a reset: the next writes fail
        ByteBuffer kib = bytes("w".repeat(1024));
        Eventually.await(() -> {
            outbox.send(0, kib);
            return !calls.failures.isEmpty();
        }, "the failed write reported");
        assertThat(outbox.send(0, kib)).isFalse();
        assertThat(outbox.queuedBytes()).isZero();
        assertThat(calls.failures).hasSize(1);
        assertThat(calls.cutOffs).isEmpty();
    }
}
