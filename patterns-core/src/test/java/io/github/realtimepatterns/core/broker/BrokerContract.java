package io.github.realtimepatterns.core.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.BrokerException;
import io.github.realtimepatterns.core.Message;
import io.github.realtimepatterns.core.change.ChangeSource;
import io.github.realtimepatterns.core.change.ChangeSourceContract;
import io.github.realtimepatterns.core.store.MessageStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Broker} must do: the {@link ChangeSourceContract} (a broker is a change source that is
 * told of each stored message by {@link Broker#publish}), plus delivery from another node and a harmless
 * publish after close. An implementation passes it through a one-screen subclass that implements {@link
 * #newBroker()}; a broker whose subscriptions go live asynchronously (Redis) needs no more: {@link
 * #awaitLive} publishes probe messages until each listener has heard one.
 *
 * <p>Specified here beyond the interface's javadoc: {@code publish} after {@code close()} delivers nothing
 * and either returns or throws {@link BrokerException}; {@code subscribe} after {@code close()} throws
 * {@link IllegalStateException}.
 */
public abstract class BrokerContract extends ChangeSourceContract {

    private final List<Broker> brokers = new ArrayList<>();

    /** A new broker, started; the kit closes it after each test. */
    protected abstract Broker newBroker();

    /** Another broker on the same bus (another node), if the implementation has nodes; else the same one. */
    protected Broker peerOf(Broker broker) {
        return broker;
    }

    /** The broker from {@link #newBroker()}: a broker does not read the store, it is told by {@link #announce}. */
    @Override
    protected final ChangeSource newSource(MessageStore store) {
        return newBroker();
    }

    /** Publishes the stored message, as {@code RealtimeService.publish} does after the append. */
    @Override
    protected final void announce(ChangeSource source, Message stored) {
        ((Broker) source).publish(stored);
    }

    /**
     * Waits until {@code recorders}, subscribed to {@code channel} on {@code broker}, each hear what is
     * published from now on: publishes probe messages (not stored) every 20 ms until every one has seen one.
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

    /** A message of {@code channel} with {@code id} and data {@code {"n":id}}, not stored anywhere. */
    protected static Message message(String channel, long id) {
        return new Message(channel, id, "{\"n\":" + id + "}", Instant.now());
    }

    private static boolean allSawProbe(Recorder... recorders) {
        for (Recorder r : recorders) {
            if (r.probes() == 0) {
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
}
