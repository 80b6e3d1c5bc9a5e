/**
 * One runnable jar that puts the five patterns side by side: {@code compare} runs them under one workload
 * and prints a table, {@code demo} serves a page with one pane per pattern, {@code cluster} starts several
 * nodes over a shared store and Redis. Each pattern enters through one {@link
 * io.github.realtimepatterns.examples.PatternAdapter} in {@link io.github.realtimepatterns.examples.Patterns}.
 */
package io.github.realtimepatterns.examples;
