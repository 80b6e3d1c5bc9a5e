package io.github.realtimepatterns.core;

import java.util.regex.Pattern;

/** The channel-name rule shared by every store, broker and transport: {@code [A-Za-z0-9_.:-]{1,128}}. */
public final class Channels {

    /** Longest accepted channel name, in characters. */
    public static final int MAX_LENGTH = 128;

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.:-]{1," + MAX_LENGTH + "}");

    private Channels() {
    }

    /**
     * Whether {@code name} is a valid channel name; {@code null} is not.
     *
     * @param name the name
     * @return whether {@code name} is a valid channel name; {@code null} is not
     */
    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /**
     * Returns {@code name} when valid.
     *
     * @param name the name
     * @return {@code name} when valid
     * @throws ProtocolException naming the rule when it is not
     */
    public static String validate(String name) {
        if (!isValid(name)) {
            throw new ProtocolException("channel", "channel name must match [A-Za-z0-9_.:-]{1,128} but was "
                    + describe(name));
        }
        return name;
    }

    private static String describe(String name) {
        if (name == null) {
            return "missing";
        }
        if (name.isEmpty()) {
            return "empty";
        }
        String shown = name.length() > 40 ? name.substring(0, 40) + "..." : name;
        return "\"" + shown.replaceAll("\\p{Cntrl}", "?") + "\" (" + name.length() + " chars)";
    }
}
