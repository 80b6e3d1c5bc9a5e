/**
 * One short example main per pattern, to read and copy: {@link
 * io.github.realtimepatterns.examples.PollingExample}, {@link
 * io.github.realtimepatterns.examples.LongPollingExample}, {@link
 * io.github.realtimepatterns.examples.LongPollingBrokerExample}, {@link
 * io.github.realtimepatterns.examples.SseDbPollingExample} and {@link
 * io.github.realtimepatterns.examples.WebSocketsRedisExample}. Each builds a handler over a store, mounts it
 * in an Undertow of its own or runs it alone, publishes from Java, follows a channel with the module's Java
 * client, prints what arrives and stops; each uses its own module only. The docs pages show them whole
 * (checked by each module's {@code *DocsTest}), and {@code ExampleMainsIT} runs each in a JVM of its own. Run
 * one from the built jar: {@code PORT=0 java -cp examples/target/realtime-patterns-examples.jar
 * io.github.realtimepatterns.examples.PollingExample} ({@code REDIS_URL} for the two Redis ones). The
 * comparison, demo and cluster tooling is apart, in {@link io.github.realtimepatterns.examples.bench}.
 */
package io.github.realtimepatterns.examples;
