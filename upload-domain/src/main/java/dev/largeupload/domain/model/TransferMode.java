package dev.largeupload.domain.model;

import java.util.Locale;
import java.util.Optional;

/**
 * How the bytes of an upload travel, chosen once when it starts and kept with it.
 * <ul>
 *   <li>{@link #PROXY}: every chunk is sent to this server, which checks and stages it (the default).</li>
 *   <li>{@link #DIRECT}: the client stages each block straight into the blob storage with a short-lived,
 *       blob-scoped grant the server signs ({@link dev.largeupload.domain.port.DirectTransfers}); the server
 *       learns what was staged from the storage, never from the client, and commits as in proxy mode.</li>
 * </ul>
 */
public enum TransferMode {
    PROXY, DIRECT;

    /** The name in the API ({@code "proxy"}, {@code "direct"}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode whose {@link #wireName()} is {@code name}, exactly; empty for any other text. */
    public static Optional<TransferMode> ofWireName(String name) {
        for (TransferMode mode : values()) {
            if (mode.wireName().equals(name)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
