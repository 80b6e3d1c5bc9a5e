/**
 * Test fixtures shared through patterns-core's test-jar: waiting, recording listeners, real servers (Redis, a
 * main in a child JVM, a headless Chromium), the docs check every pattern's {@code *DocsTest} runs ({@link
 * io.github.realtimepatterns.core.testing.DocsPageContract} over {@link io.github.realtimepatterns.core.testing.DocSnippets}),
 * and the browser-client kit every module's {@code *BrowserIT} runs.
 */
package io.github.realtimepatterns.core.testing;
