package io.github.realtimepatterns.core.http;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The HTTP limits and policies every pattern shares. Immutable; build with {@link #builder()}.
 *
 * @param maxBodyBytes   largest publish body accepted, in bytes (default 64 KiB); larger is 413
 * @param defaultLimit   messages per answer when a read names no {@code limit} (default 100)
 * @param maxLimit       largest {@code limit} a read may ask for (default 1000); larger is 400
 * @param allowedOrigins origins allowed cross-origin (CORS, WebSocket upgrades); {@code *} allows any.
 *                       Empty (the default) allows same-origin requests only
 * @param authorizer     who may read and publish (default: everyone)
 */
public record HttpSettings(int maxBodyBytes, int defaultLimit, int maxLimit, Set<String> allowedOrigins,
                           Authorizer authorizer) {

    /** The defaults: 64 KiB bodies, limit 100 (max 1000), same-origin only, everyone allowed. */
    public static final HttpSettings DEFAULTS = builder().build();

    /**
     * Validates every setting.
     *
     * @param maxBodyBytes the max body bytes
     * @param maxLimit the max limit
     * @param allowedOrigins origins allowed cross-origin
     * @param authorizer who may read and publish
     * @param defaultLimit the default limit
     */
    public HttpSettings {
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be >= 1 but was " + maxBodyBytes);
        }
        if (maxLimit < 1 || maxLimit > 1000) {
            throw new IllegalArgumentException("maxLimit must be in 1..1000 but was " + maxLimit);
        }
        if (defaultLimit < 1 || defaultLimit > maxLimit) {
            throw new IllegalArgumentException("defaultLimit must be in 1.." + maxLimit + " but was " + defaultLimit);
        }
        allowedOrigins = Set.copyOf(allowedOrigins);
        Objects.requireNonNull(authorizer, "authorizer");
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a builder starting from the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether {@code origin} may make cross-origin requests.
     *
     * @param origin the origin
     * @return whether {@code origin} may make cross-origin requests
     */
    public boolean allowsOrigin(String origin) {
        return origin != null && (allowedOrigins.contains("*") || allowedOrigins.contains(origin));
    }

    /** A builder of {@link HttpSettings}; each setter validates at {@link #build()}. */
    public static final class Builder {
        private int maxBodyBytes = 64 * 1024;
        private int defaultLimit = 100;
        private int maxLimit = 1000;
        private final Set<String> allowedOrigins = new LinkedHashSet<>();
        private Authorizer authorizer = Authorizer.ALLOW_ALL;

        private Builder() {
        }

        /**
         * Largest publish body in bytes (default 65536).
         *
         * @param bytes the number of bytes
         * @return this builder
         */
        public Builder maxBodyBytes(int bytes) {
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * Messages per answer when none is asked (default 100).
         *
         * @param limit most messages to answer
         * @return this builder
         */
        public Builder defaultLimit(int limit) {
            this.defaultLimit = limit;
            return this;
        }

        /**
         * Largest {@code limit} accepted (default 1000, at most 1000).
         *
         * @param limit most messages to answer
         * @return this builder
         */
        public Builder maxLimit(int limit) {
            this.maxLimit = limit;
            return this;
        }

        /**
         * Adds origins (like {@code https://app.example.com}, or {@code *}) allowed cross-origin.
         *
         * @param origins the origins
         * @return this builder
         */
        public Builder allowOrigins(String... origins) {
            allowedOrigins.addAll(List.of(origins));
            return this;
        }

        /**
         * Who may read and publish (default: everyone).
         *
         * @param authorizer who may read and publish
         * @return this builder
         */
        public Builder authorizer(Authorizer authorizer) {
            this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
            return this;
        }

        /**
         * The settings.
         *
         * @return the settings
         */
        public HttpSettings build() {
            return new HttpSettings(maxBodyBytes, defaultLimit, maxLimit, allowedOrigins, authorizer);
        }
    }
}
