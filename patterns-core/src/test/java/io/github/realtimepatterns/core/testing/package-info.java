/**
 * Test fixtures shared through patterns-core's test-jar: waiting, recording listeners, real servers, a real
 * headless Chromium, and the browser-client kit every module's {@code *BrowserIT} runs.
 */
package io.github.realtimepatterns.core.testing;
