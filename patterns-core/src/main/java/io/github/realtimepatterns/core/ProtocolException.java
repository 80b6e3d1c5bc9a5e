package io.github.realtimepatterns.core;

/** Bad input from a client: a 4xx answer naming the field that was wrong. */
public class ProtocolException extends RealtimeException {

    private static final long serialVersionUID = 1L;

    /** The request field that was wrong. */
    private final String field;
    /** The 4xx status to answer with. */
    private final int status;

    /**
     * A 400 about {@code field}.
     *
     * @param field the field in question
     * @param message the message
     */
    public ProtocolException(String field, String message) {
        this(400, field, message);
    }

    /**
     * An answer with {@code status} (4xx) about {@code field}.
     *
     * @param status the HTTP status
     * @param field the field in question
     * @param message the message
     */
    public ProtocolException(int status, String field, String message) {
        super(message);
        if (status < 400 || status > 499) {
            throw new IllegalArgumentException("status must be 4xx but was " + status);
        }
        this.status = status;
        this.field = field;
    }

    /**
     * The request field that was wrong ({@code channel}, {@code after}, {@code body}, ...).
     *
     * @return the request field that was wrong ({@code channel}, {@code after}, {@code body}, ...)
     */
    public String field() {
        return field;
    }

    /**
     * The HTTP status to answer with.
     *
     * @return the HTTP status to answer with
     */
    public int status() {
        return status;
    }
}
