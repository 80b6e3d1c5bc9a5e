/** The cluster benchmark: three node JVMs, one Redis, one H2 server, 9,000 parked long-polls. */
package io.github.realtimepatterns.longpollingbroker.bench;
