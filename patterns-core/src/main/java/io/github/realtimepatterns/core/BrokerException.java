package io.github.realtimepatterns.core;

/** The broker failed or cannot be reached. Stored messages are not lost: cursors make up for it. */
public class BrokerException extends RealtimeException {

    private static final long serialVersionUID = 1L;

    /**
     * With a message naming the operation and address.
     *
     * @param message the message
     */
    public BrokerException(String message) {
        super(message);
    }

    /**
     * With a message naming the operation and address, and the cause.
     *
     * @param message the message
     * @param cause the underlying failure
     */
    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
