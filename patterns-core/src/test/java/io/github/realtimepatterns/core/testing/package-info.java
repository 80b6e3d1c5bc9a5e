/** Test fixtures shared through patterns-core's test-jar: waiting, recording listeners, real servers. */
package io.github.realtimepatterns.core.testing;
