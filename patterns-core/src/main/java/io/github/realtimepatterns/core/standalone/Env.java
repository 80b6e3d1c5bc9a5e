package io.github.realtimepatterns.core.standalone;

import io.github.realtimepatterns.core.http.HttpSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings of a standalone server, read from environment variables with the same names and defaults in
 * every pattern: {@code PORT} (8080), {@code HOST} (0.0.0.0), {@code JDBC_URL} (embedded H2 when unset),
 * {@code REDIS_URL} (in-JVM broker when unset), the HTTP settings of {@link #httpSettings()}, plus each
 * pattern's own. A bad value is refused with an
 * {@link IllegalArgumentException} naming the variable. Durations read as {@code 500ms}, {@code 25s},
 * {@code 2m}, {@code 1h} or ISO-8601 ({@code PT25S}).
 */
public final class Env {

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final Map<String, String> vars;

    private Env(Map<String, String> vars) {
        this.vars = Map.copyOf(vars);
    }

    /**
     * The process environment.
     *
     * @return the process environment
     */
    public static Env system() {
        return new Env(System.getenv());
    }

    /**
     * Given variables (for tests and embedding).
     *
     * @param vars the variables, by name
     * @return given variables (for tests and embedding)
     */
    public static Env of(Map<String, String> vars) {
        return new Env(vars);
    }

    /**
     * The raw value, or {@code null} when unset or blank.
     *
     * @param name the name
     * @return the raw value, or {@code null} when unset or blank
     */
    public String get(String name) {
        String v = vars.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /**
     * {@code PORT}, 0..65535, default 8080.
     *
     * @return {@code PORT}, 0..65535, default 8080
     */
    public int port() {
        return integer("PORT", 8080, 0, 65535);
    }

    /**
     * {@code HOST}, default {@code 0.0.0.0}.
     *
     * @return {@code HOST}, default {@code 0.0.0.0}
     */
    public String host() {
        String host = get("HOST");
        return host == null ? "0.0.0.0" : host;
    }

    /**
     * {@code JDBC_URL}, or {@code null} for the embedded H2.
     *
     * @return {@code JDBC_URL}, or {@code null} for the embedded H2
     */
    public String jdbcUrl() {
        String url = get("JDBC_URL");
        if (url != null && !url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("JDBC_URL must start with jdbc: (like jdbc:postgresql://host/db) but was "
                    + url);
        }
        return url;
    }

    /**
     * {@code REDIS_URL}, or {@code null} for the in-JVM broker.
     *
     * @return {@code REDIS_URL}, or {@code null} for the in-JVM broker
     */
    public String redisUrl() {
        String url = get("REDIS_URL");
        if (url != null && !(url.startsWith("redis://") || url.startsWith("rediss://"))) {
            throw new IllegalArgumentException("REDIS_URL must look like redis://host:6379 but was " + url);
        }
        return url;
    }

    /**
     * The HTTP settings every pattern's server reads, with the library's defaults when unset:
     * {@code ALLOWED_ORIGINS} (comma-separated origins like {@code https://app.example.com} allowed
     * cross-origin, or {@code *}; unset: same-origin only), {@code MAX_BODY_BYTES} (largest publish body,
     * 65536), {@code POLL_MAX_LIMIT} (largest {@code limit} a read may ask, 1000) and
     * {@code POLL_DEFAULT_LIMIT} (messages per answer when a read names none, 100 or the max if lower).
     *
     * @return the HTTP settings every pattern's server reads, with the library's defaults when unset: {@code
     *         ALLOWED_ORIGINS} (comma-separated origins like {@code https://app.example.com} allowed cross-origin,
     *         or {@code *}; unset: same-origin only), {@code MAX_BODY_BYTES} (largest publish body, 65536), {@code
     *         POLL_MAX_LIMIT} (largest {@code limit} a read may ask, 1000) and {@code POLL_DEFAULT_LIMIT} (messages
     *         per answer when a read names none, 100 or the max if lower)
     * @throws IllegalArgumentException naming the variable when a value is bad
     */
    public HttpSettings httpSettings() {
        int maxLimit = integer("POLL_MAX_LIMIT", 1000, 1, 1000);
        HttpSettings.Builder settings = HttpSettings.builder()
                .maxBodyBytes(integer("MAX_BODY_BYTES", 64 * 1024, 1, 16 * 1024 * 1024))
                .maxLimit(maxLimit)
                .defaultLimit(integer("POLL_DEFAULT_LIMIT", Math.min(100, maxLimit), 1, maxLimit));
        String origins = get("ALLOWED_ORIGINS");
        if (origins != null) {
            for (String origin : origins.split("\\s*,\\s*")) {
                settings.allowOrigins(origin(origin));
            }
        }
        return settings.build();
    }

    /** One entry of {@code ALLOWED_ORIGINS}: {@code *}, or a scheme, host and optional port, nothing more. */
    private static String origin(String origin) {
        if (origin.equals("*")) {
            return origin;
        }
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getHost() == null || !uri.getRawPath().isEmpty() || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("ALLOWED_ORIGINS must list origins like https://app.example.com"
                    + " or http://localhost:3000 (scheme, host, optional port; no path), or *, but had \""
                    + origin + "\"");
        }
        return origin;
    }

    /**
     * A whole number in {@code min..max}, {@code fallback} when unset.
     *
     * @param name the name
     * @param fallback the value when unset
     * @param min the smallest value
     * @param max the largest value
     * @return a whole number in {@code min..max}, {@code fallback} when unset
     */
    public int integer(String name, int fallback, int min, int max) {
        String v = get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new IllegalArgumentException(name + " must be in " + min + ".." + max + " but was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number but was \"" + v + "\"", e);
        }
    }

    /**
     * A positive duration, {@code fallback} when unset.
     *
     * @param name the name
     * @param fallback the value when unset
     * @return a positive duration, {@code fallback} when unset
     */
    public Duration duration(String name, Duration fallback) {
        String v = get(name);
        if (v == null) {
            return fallback;
        }
        Duration d;
        try {
            d = parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be a duration like 500ms, 25s, 2m or PT25S but was \""
                    + v + "\"", e);
        }
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be > 0 but was " + v);
        }
        return d;
    }

    /**
     * Parses {@code 500ms}, {@code 25s}, {@code 2m}, {@code 1h} or ISO-8601.
     *
     * @param text the text
     * @return the duration
     */
    public static Duration parseDuration(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration: " + text, e);
        }
    }
}
