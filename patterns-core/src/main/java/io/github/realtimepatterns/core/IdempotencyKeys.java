package io.github.realtimepatterns.core;

/**
 * The rule for idempotency keys (the {@code Idempotency-Key} header of a publish, the {@code key} of a
 * WebSocket publish frame): 1 to {@value #MAX_LENGTH} visible ASCII characters ({@code !} to {@code ~}),
 * compared exactly. A random UUID is a good key.
 */
public final class IdempotencyKeys {

    /** Longest accepted key, in characters. */
    public static final int MAX_LENGTH = 128;

    private IdempotencyKeys() {
    }

    /**
     * Whether {@code key} is a valid key; {@code null} is not.
     *
     * @param key the key
     * @return whether {@code key} is a valid key; {@code null} is not
     */
    public static boolean isValid(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < '!' || c > '~') {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns {@code key} when valid.
     *
     * @param field the request field that carried it, named in the failure
     * @param key the key
     * @return {@code key} when valid
     * @throws ProtocolException (400, {@code field}) when it is not
     */
    public static String validate(String key, String field) {
        if (!isValid(key)) {
            throw new ProtocolException(field, field + " must be 1.." + MAX_LENGTH
                    + " visible ASCII characters (! to ~) but was " + describe(key));
        }
        return key;
    }

    private static String describe(String key) {
        if (key == null) {
            return "missing";
        }
        if (key.isEmpty()) {
            return "empty";
        }
        String shown = key.length() > 40 ? key.substring(0, 40) + "..." : key;
        return "\"" + shown.replaceAll("[^!-~]", "?") + "\" (" + key.length() + " chars)";
    }
}
