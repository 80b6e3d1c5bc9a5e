package io.github.realtimepatterns.core.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.Message;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ListenerRegistryTest {

    private static final Message MESSAGE = new Message("c", 1, "{}", Instant.now());

    @Test
    void tellsTheSourceWhenAChannelGetsItsFirstListenerAndLosesItsLast() {
        List<String> changes = new CopyOnWriteArrayList<>();
        ListenerRegistry<Void> registry = ListenerRegistry.of(ListenerRegistryTest.class, changes::add);

        Subscription a = registry.add("c", new Counting());
        Subscription b = registry.add("c", new Counting());
        assertThat(changes).containsExactly("c");
        a.close();
        a.close();
        assertThat(changes).containsExactly("c");
        assertThat(registry.isListened("c")).isTrue();
        b.close();
        assertThat(changes).containsExactly("c", "c");
        assertThat(registry.isListened("c")).isFalse();
        assertThat(registry.channelCount()).isZero();
    }

    @Test
    void keepsNewStateForEachListenedPeriodOfAChannel() {
        AtomicInteger created = new AtomicInteger();
        ListenerRegistry<Integer> registry = ListenerRegistry.withState(ListenerRegistryTest.class,
                channel -> created.incrementAndGet());

        Subscription first = registry.add("c", new Counting());
        Subscription second = registry.add("c", new Counting());
        ListenerRegistry.Listeners<Integer> before = registry.snapshot().get(0);
        assertThat(before.state()).isEqualTo(1);
        assertThat(before.size()).isEqualTo(2);
        first.close();
        second.close();
        Counting late = new Counting();
        registry.add("c", late);

        assertThat(registry.snapshot()).singleElement().extracting(ListenerRegistry.Listeners::state).isEqualTo(2);
        before.deliver(MESSAGE); // the earlier period's listeners are not the new ones
        assertThat(late.messages).hasValue(0);
        registry.deliver("c", MESSAGE);
        assertThat(late.messages).hasValue(1);
    }

    @Test
    void aListenerThatThrowsIsLoggedAndTheOthersAreStillCalled() {
        ListenerRegistry<Void> registry = ListenerRegistry.of(ListenerRegistryTest.class);
        registry.add("c", new ChangeListener() {
            @Override
            public void onMessage(Message message) {
                throw new IllegalStateException("on purpose");
            }

            @Override
            public void onResync() {
                throw new AssertionError("on purpose");
            }
        });
        Counting after = new Counting();
        registry.add("c", after);

        assertThat(registry.deliver("c", MESSAGE)).isTrue();
        registry.resync("c");
        registry.deliver("c", MESSAGE);

        assertThat(after.messages).hasValue(2);
        assertThat(after.resyncs).hasValue(1);
        assertThat(registry.deliver("other", MESSAGE)).isFalse();
    }

    @Test
    void closeEndsEverySubscriptionEvenForADispatchUnderWay() {
        ListenerRegistry<Void> registry = ListenerRegistry.of(ListenerRegistryTest.class);
        registry.add("c", new Counting());
        Counting second = new Counting();
        Subscription secondSubscription = registry.add("c", second);
        ListenerRegistry.Listeners<Void> underWay = registry.snapshot().get(0);

        registry.close();
        registry.close();
        underWay.deliver(MESSAGE);
        secondSubscription.close();

        assertThat(second.messages).hasValue(0);
        assertThat(registry.isClosed()).isTrue();
        assertThat(registry.channels()).isEmpty();
        assertThatThrownBy(() -> registry.add("c", new Counting()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    private static final class Counting implements ChangeListener {
        final AtomicInteger messages = new AtomicInteger();
        final AtomicInteger resyncs = new AtomicInteger();

        @Override
        public void onMessage(Message message) {
            messages.incrementAndGet();
        }

        @Override
        public void onResync() {
            resyncs.incrementAndGet();
        }
    }
}
