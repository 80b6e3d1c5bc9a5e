/**
 * The benchmark harness behind {@code compare}: the same workload against every pattern, each server in its own JVM, the
 * clients and the publisher in the harness's, bytes counted by a loopback proxy, latency from the intended
 * send time; a table, a Markdown report and an SVG chart at the end.
 */
package io.github.realtimepatterns.examples.bench.compare;
