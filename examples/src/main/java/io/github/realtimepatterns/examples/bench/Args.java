package io.github.realtimepatterns.examples.bench;

import io.github.realtimepatterns.core.standalone.Env;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flags of one command, parsed by hand: {@code --name value}, {@code --name=value} and bare
 * {@code --flag} for the names declared as switches. Unknown flags and bad values are refused with an
 * {@link IllegalArgumentException} naming the flag, so a typo never runs a ten-minute benchmark with the
 * wrong settings.
 */
public final class Args {

    private final String command;
    private final Map<String, String> values;
    private final Set<String> switches;

    private Args(String command, Map<String, String> values, Set<String> switches) {
        this.command = command;
        this.values = values;
        this.switches = switches;
    }

    /**
     * Parses {@code args} of {@code command}, which accepts the flags in {@code valued} (each takes a value)
     * and {@code switches} (each stands alone). {@code --help} is always accepted as a switch.
     */
    public static Args parse(String command, List<String> args, Set<String> valued, Set<String> switches) {
        Map<String, String> values = new LinkedHashMap<>();
        java.util.HashSet<String> on = new java.util.HashSet<>();
        List<String> rest = new ArrayList<>(args);
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException(command + ": unexpected argument \"" + arg + "\" (flags start with --)");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals("help") || switches.contains(name)) {
                if (value != null) {
                    throw new IllegalArgumentException(command + ": --" + name + " takes no value");
                }
                on.add(name);
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= rest.size()) {
                        throw new IllegalArgumentException(command + ": --" + name + " needs a value");
                    }
                    value = rest.get(++i);
                }
                values.put(name, value);
            } else {
                throw new IllegalArgumentException(command + ": unknown flag --" + name + " (see " + command + " --help)");
            }
        }
        return new Args(command, values, Set.copyOf(on));
    }

    /** Whether {@code --help} was given. */
    public boolean help() {
        return switches.contains("help");
    }

    /** Whether the switch {@code --name} was given. */
    public boolean has(String name) {
        return switches.contains(name) || values.containsKey(name);
    }

    /** The value of {@code --name}, or {@code fallback}. */
    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** A whole number in {@code min..max}. */
    public int integer(String name, int fallback, int min, int max) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": --" + name + " must be a whole number but was \"" + v + "\"", e);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(command + ": --" + name + " must be in " + min + ".." + max + " but was " + n);
        }
        return n;
    }

    /** A positive duration such as {@code 500ms}, {@code 20s}, {@code 2m} or {@code PT20S}. */
    public Duration duration(String name, Duration fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        Duration d;
        try {
            d = Env.parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(command + ": --" + name + " must be a duration like 500ms, 20s or 2m but was \""
                    + v + "\"", e);
        }
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(command + ": --" + name + " must be > 0 but was " + v);
        }
        return d;
    }
}
