package io.github.realtimepatterns.core.connection;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.XnioIoThread;

/**
 * Hands connections that have something to write to their IO thread in bulk. A message fanned out to ten
 * thousand connections would otherwise post ten thousand tasks, each waking the IO thread's selector; here
 * an IO thread is woken once and writes every connection that became ready meanwhile. Thread-safe.
 */
final class IoWakeups {

    private final ConcurrentHashMap<XnioIoThread, Lane> lanes = new ConcurrentHashMap<>();

    /** Runs {@code task} soon on {@code io}. */
    void schedule(XnioIoThread io, Runnable task) {
        lanes.computeIfAbsent(io, Lane::new).add(task);
    }

    /** The tasks waiting for one IO thread. */
    private static final class Lane {
        final XnioIoThread io;
        final ConcurrentLinkedQueue<Runnable> ready = new ConcurrentLinkedQueue<>();
        final AtomicBoolean scheduled = new AtomicBoolean();

        Lane(XnioIoThread io) {
            this.io = io;
        }

        void add(Runnable task) {
            ready.add(task);
            if (scheduled.compareAndSet(false, true)) {
                io.execute(this::drain);
            }
        }

        void drain() {
            // Cleared first: a task added while we drain schedules another pass instead of being missed.
            scheduled.set(false);
            Runnable next;
            while ((next = ready.poll()) != null) {
                next.run();
            }
        }
    }
}
