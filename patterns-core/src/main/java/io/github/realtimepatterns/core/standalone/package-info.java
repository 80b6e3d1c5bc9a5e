/**
 * Running a pattern on its own: environment settings with the same names and defaults in every pattern
 * module, and the start-up and shutdown routine their {@code main} methods share.
 */
package io.github.realtimepatterns.core.standalone;
