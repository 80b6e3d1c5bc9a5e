package io.github.realtimepatterns.core;

/** The message store failed or cannot be reached; nothing half-done was kept. HTTP answers 503. */
public class StoreException extends RealtimeException {

    private static final long serialVersionUID = 1L;

    /**
     * With a message naming the operation and channel.
     *
     * @param message the message
     */
    public StoreException(String message) {
        super(message);
    }

    /**
     * With a message naming the operation and channel, and the cause.
     *
     * @param message the message
     * @param cause the underlying failure
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
