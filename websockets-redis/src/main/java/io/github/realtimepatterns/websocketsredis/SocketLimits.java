package io.github.realtimepatterns.websocketsredis;

/** The per-socket knobs of a handler besides its send limits, in milliseconds and bytes; validated by the builder. */
record SocketLimits(long pingMillis, long pongMillis, long idleMillis, int maxMessageBytes, int maxChannels,
                    int malformedLimit) {
}
