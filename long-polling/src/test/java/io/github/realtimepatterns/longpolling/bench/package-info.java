/** The long-polling scale benchmark: a server JVM holding 10,000 parked polls and a client JVM that times wake-ups. */
package io.github.realtimepatterns.longpolling.bench;
