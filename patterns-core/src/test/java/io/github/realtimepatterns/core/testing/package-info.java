/**
 * Test fixtures shared through patterns-core's test-jar: waiting, recording listeners, real servers (Redis, a
 * main in a child JVM), and the docs check every pattern's {@code *DocsTest} runs ({@link
 * io.github.realtimepatterns.core.testing.DocsPageContract} over {@link io.github.realtimepatterns.core.testing.DocSnippets}).
 */
package io.github.realtimepatterns.core.testing;
