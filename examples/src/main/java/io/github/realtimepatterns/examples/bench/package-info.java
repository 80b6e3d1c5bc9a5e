/**
 * The runnable jar's tooling, not example code: {@code compare} (the benchmark harness in {@link
 * io.github.realtimepatterns.examples.bench.compare}) runs every pattern under one workload and prints a
 * table, {@code demo} serves a page with one pane per pattern, {@code cluster} starts several nodes over a
 * shared store and Redis, and {@code serve} is the child process the others start. {@link
 * io.github.realtimepatterns.examples.bench.Bench} is the jar's main; {@link
 * io.github.realtimepatterns.examples.bench.ChildProcess} supervises the child processes; each pattern
 * enters through one {@link io.github.realtimepatterns.examples.bench.PatternAdapter} in {@link
 * io.github.realtimepatterns.examples.bench.Patterns}.
 */
package io.github.realtimepatterns.examples.bench;
