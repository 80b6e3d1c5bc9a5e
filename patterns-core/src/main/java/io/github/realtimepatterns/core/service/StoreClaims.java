package io.github.realtimepatterns.core.service;

import io.github.realtimepatterns.core.broker.Broker;
import io.github.realtimepatterns.core.broker.InJvmBroker;
import io.github.realtimepatterns.core.store.MessageStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Which open services of this JVM serve which store instance, and where each announces its publishes:
 * so that a second service over the same store whose publishes would not reach the first one's listeners
 * (two in-JVM brokers, say: two handlers built over one store, each with its default broker) is refused
 * when it is built, instead of delaying cross-pattern delivery to the safety sweep. Thread-safe.
 */
final class StoreClaims {

    private static final Map<MessageStore, List<Claim>> CLAIMS = new WeakHashMap<>(); // guarded by itself

    private StoreClaims() {
    }

    /** One open service's use of a store. */
    record Claim(MessageStore store, Broker broker) {
    }

    /**
     * Records that a service over {@code store} announces through {@code broker}.
     *
     * @throws IllegalStateException naming what to share when an open service over the same store announces
     *         through another broker and one of the two is in-JVM (so neither hears the other)
     */
    static Claim claim(MessageStore store, Broker broker) {
        synchronized (CLAIMS) {
            List<Claim> claims = CLAIMS.computeIfAbsent(store, s -> new ArrayList<>());
            for (Claim other : claims) {
                if (other.broker != broker && (other.broker instanceof InJvmBroker || broker instanceof InJvmBroker)) {
                    throw new IllegalStateException("store " + store + " already serves a handler that announces "
                            + "its publishes on its own " + other.broker.describe() + ", and this one would announce "
                            + "them on " + (broker instanceof InJvmBroker ? "another " : "") + broker.describe()
                            + ": neither would wake the other's subscribers until the safety sweep. To mount several "
                            + "patterns over one store, build one RealtimeService and give it to every handler: "
                            + "RealtimeService service = RealtimeService.builder(store).build(); then "
                            + "Polling.builder(service), LongPolling.builder(service), SseDbPolling.builder(service), "
                            + "WebSocketsRedis.builder(service), LongPollingBroker.builder(service) "
                            + "(or give every handler the same broker)");
                }
            }
            Claim claim = new Claim(store, broker);
            claims.add(claim);
            return claim;
        }
    }

    /** Forgets {@code claim}: its service closed. Idempotent. */
    static void release(Claim claim) {
        synchronized (CLAIMS) {
            List<Claim> claims = CLAIMS.get(claim.store);
            if (claims != null) {
                claims.remove(claim);
                if (claims.isEmpty()) {
                    CLAIMS.remove(claim.store);
                }
            }
        }
    }
}
