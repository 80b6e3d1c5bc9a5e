package io.github.realtimepatterns.core;

/** The one unchecked exception of this library; its subclasses say which layer failed. */
public class RealtimeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * With a message that names the context (channel, cursor, address).
     *
     * @param message the message
     */
    public RealtimeException(String message) {
        super(message);
    }

    /**
     * With a message that names the context, and the cause.
     *
     * @param message the message
     * @param cause the underlying failure
     */
    public RealtimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
