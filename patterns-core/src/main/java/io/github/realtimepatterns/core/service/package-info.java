/**
 * {@link io.github.realtimepatterns.core.service.RealtimeService}: publish, read and subscribe, the three
 * operations every transport is built from.
 */
package io.github.realtimepatterns.core.service;
