package io.github.realtimepatterns.core.broker;

import io.github.realtimepatterns.core.change.ChangeListener;
import io.github.realtimepatterns.core.change.Subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.BrokerException;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.testing.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Broker} must do. An implementation passes it through a one-screen subclass that
 * implements {@link #newBroker()}; a broker whose subscriptions go live asynchronously (Redis) needs no
 * more: {@link #awaitLive} publishes probe messages until each listener has heard one.
 *
 * <p>Specified here beyond the interface's javadoc: {@code publish} after {@code close()} delivers nothing
 * and either returns or throws {@link BrokerException}; {@code subscribe} after {@code close()} throws
 * {@link IllegalStateException}.
 */
public abstract class BrokerContract {

    /** Data of a probe message; recorders count probes apart from real messages. */
    protected static final String PROBE = "\"probe\"";

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<Broker> brokers = new ArrayList<>();

    /** A new broker, started; the kit closes it after each test. */
    protected abstract Broker newBroker();

    /** Another broker on the same bus (another node), if the implementation has nodes; else the same one. */
    protected Broker peerOf(Broker broker) {
        return broker;
    }

    /**
     * Waits until {@code recorders}, subscribed to {@code channel} on {@code broker}, each hear what is
     * published from now on: publishes probe messages every 20 ms until every one of them has seen one.
     */
    protected void awaitLive(Broker broker, String channel, Recorder... recorders) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!allSawProbe(recorders)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("subscription to " + channel + " on " + broker.describe()
                        + " did not go live within " + WAIT.toSeconds() + " s");
            }
            broker.publish(new Message(channel, 1, PROBE, Instant.now()));
            pause();
        }
    }

    private Broker broker() {
        Broker broker = newBroker();
        brokers.add(broker);
        return broker;
    }

    @AfterEach
    void closeBrokers() {
        brokers.forEach(Broker::close);
    }

    @Test
    void deliversToSubscribersOfThatChannelOnly() {
        Broker broker = broker();
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        broker.subscribe("contract-a", a);
        broker.subscribe("contract-b", b);
        awaitLive(broker, "contract-a", a);
        awaitLive(broker, "contract-b", b);

        broker.publish(message("contract-a", 7));
        broker.publish(message("contract-b", 8)); // a barrier: notifications of one publisher arrive in order

        b.awaitIds(8);
        a.awaitIds(7);
        assertThat(a.ids()).containsExactly(7L);
        assertThat(a.messages().get(0).data()).isEqualTo("{\"n\":7}");
        assertThat(b.ids()).containsExactly(8L);
    }

    @Test
    void deliversToEverySubscriberOfAChannel() {
        Broker broker = broker();
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        Recorder third = new Recorder();
        broker.subscribe("contract-many", first);
        broker.subscribe("contract-many", second);
        broker.subscribe("contract-many", third);
        awaitLive(broker, "contract-many", first, second, third);

        broker.publish(message("contract-many", 1));
        broker.publish(message("contract-many", 2));

        for (Recorder r : List.of(first, second, third)) {
            r.awaitIds(1, 2);
        }
    }

    @Test
    void deliversFromAnotherNode() {
        Broker broker = broker();
        Broker peer = peerOf(broker);
        if (peer != broker) {
            brokers.add(peer);
        }
        Recorder recorder = new Recorder();
        broker.subscribe("contract-peer", recorder);
        awaitLive(peer, "contract-peer", recorder);

        peer.publish(message("contract-peer", 5));

        recorder.awaitIds(5);
    }

    @Test
    void closedSubscriptionStopsDelivery() {
        Broker broker = broker();
        Recorder leaving = new Recorder();
        Recorder staying = new Recorder();
        Subscription subscription = broker.subscribe("contract-close", leaving);
        broker.subscribe("contract-close", staying);
        awaitLive(broker, "contract-close", leaving, staying);

        broker.publish(message("contract-close", 1));
        leaving.awaitIds(1);
        staying.awaitIds(1);
        subscription.close();
        subscription.close(); // idempotent
        broker.publish(message("contract-close", 2));

        staying.awaitIds(1, 2);
        assertThat(leaving.ids()).containsExactly(1L);
        assertThat(subscription.channel()).isEqualTo("contract-close");
    }

    @Test
    void lastSubscriptionClosedStopsDeliveryAndTheChannelCanBeSubscribedAgain() {
        Broker broker = broker();
        Recorder gone = new Recorder();
        Recorder barrier = new Recorder();
        Subscription subscription = broker.subscribe("contract-last", gone);
        broker.subscribe("contract-barrier", barrier);
        awaitLive(broker, "contract-last", gone);
        awaitLive(broker, "contract-barrier", barrier);

        subscription.close();
        broker.publish(message("contract-last", 1));
        broker.publish(message("contract-barrier", 2));
        barrier.awaitIds(2);
        assertThat(gone.ids()).isEmpty();

        Recorder again = new Recorder();
        broker.subscribe("contract-last", again);
        awaitLive(broker, "contract-last", again);
        broker.publish(message("contract-last", 3));
        again.awaitIds(3);
        assertThat(gone.ids()).isEmpty();
    }

    @Test
    void listenerThatThrowsKeepsItsSubscriptionAndOthersTheirs() {
        Broker broker = broker();
        AtomicInteger thrown = new AtomicInteger();
        Recorder throwing = new Recorder() {
            @Override
            public void onMessage(Message message) {
                super.onMessage(message);
                if (!message.data().equals(PROBE)) {
                    thrown.incrementAndGet();
                    throw new IllegalStateException("listener fails on purpose");
                }
            }
        };
        Recorder calm = new Recorder();
        broker.subscribe("contract-throw", throwing);
        broker.subscribe("contract-throw", calm);
        awaitLive(broker, "contract-throw", throwing, calm);

        broker.publish(message("contract-throw", 1));
        broker.publish(message("contract-throw", 2));
        broker.publish(message("contract-throw", 3));

        calm.awaitIds(1, 2, 3);
        throwing.awaitIds(1, 2, 3);
        assertThat(thrown).hasValue(3);
    }

    @Test
    void closeIsIdempotentAndPublishAfterCloseIsHarmless() {
        Broker broker = broker();
        Recorder recorder = new Recorder();
        broker.subscribe("contract-closed", recorder);
        awaitLive(broker, "contract-closed", recorder);

        broker.close();
        broker.close();

        assertThatCode(() -> {
            try {
                broker.publish(message("contract-closed", 1));
            } catch (BrokerException expected) {
                assertThat(expected).hasMessageContaining("closed");
            }
        }).doesNotThrowAnyException();
        assertThatThrownBy(() -> broker.subscribe("contract-closed", new Recorder()))
                .isInstanceOf(IllegalStateException.class);
        assertThat(recorder.ids()).isEmpty();
        assertThat(broker.describe()).isNotBlank();
    }

    /** A message of {@code channel} with {@code id} and data {@code {"n":id}}. */
    protected static Message message(String channel, long id) {
        return new Message(channel, id, "{\"n\":" + id + "}", Instant.now());
    }

    private static boolean allSawProbe(Recorder... recorders) {
        for (Recorder r : recorders) {
            if (r.probes.get() == 0) {
                return false;
            }
        }
        return true;
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Records the messages it hears (probes apart) and how many resyncs. Thread-safe. */
    public static class Recorder implements ChangeListener {
        private final List<Message> messages = new CopyOnWriteArrayList<>();
        final AtomicInteger probes = new AtomicInteger();
        private final AtomicInteger resyncs = new AtomicInteger();

        @Override
        public void onMessage(Message message) {
            if (message.data().equals(PROBE)) {
                probes.incrementAndGet();
            } else {
                messages.add(message);
            }
        }

        @Override
        public void onResync() {
            resyncs.incrementAndGet();
        }

        /** The messages heard, probes apart, in arrival order. */
        public List<Message> messages() {
            return List.copyOf(messages);
        }

        /** Ids of {@link #messages()}. */
        public List<Long> ids() {
            return messages.stream().map(Message::id).toList();
        }

        /** Resyncs heard. */
        public int resyncs() {
            return resyncs.get();
        }

        /** Waits until exactly these ids were heard, in this order. */
        public void awaitIds(long... expected) {
            List<Long> want = java.util.Arrays.stream(expected).boxed().toList();
            Eventually.await(WAIT, () -> ids().equals(want), () -> "ids " + want + " but heard " + ids());
        }
    }
}
