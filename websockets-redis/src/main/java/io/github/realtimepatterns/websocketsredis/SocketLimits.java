package io.github.realtimepatterns.websocketsredis;

/** The per-socket knobs of a handler, in milliseconds and bytes; validated by the builder. */
record SocketLimits(long pingMillis, long pongMillis, long idleMillis, int maxMessageBytes, int highWaterMessages,
                    long highWaterBytes, int maxQueuedMessages, long maxQueuedBytes, long stallMillis,
                    int maxChannels, int malformedLimit, long coalesceNanos) {
}
