/**
 * The {@link io.github.realtimepatterns.core.store.MessageStore} SPI and its implementations: in-memory
 * (bounded per channel) and JDBC through Jdbi (embedded H2 by default, H2 server or PostgreSQL for many
 * nodes), with per-channel gap-free ids in commit order. {@link
 * io.github.realtimepatterns.core.store.MessageStores} creates them.
 */
package io.github.realtimepatterns.core.store;
