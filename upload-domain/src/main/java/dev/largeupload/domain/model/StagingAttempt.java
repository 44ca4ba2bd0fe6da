package dev.largeupload.domain.model;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * One attempt at staging a chunk: 64 random bits chosen by the call that accepts the chunk, so that
 * every body sent for an index is staged apart from every other (a staged attempt never replaces
 * another) and the metadata store records which attempt the chunk's digest belongs to. The commit
 * then takes exactly the recorded attempt of each index, on any number of servers, without a lock.
 *
 * <p>{@link #LEGACY} (0, never chosen at random) names the one staging per index that versions before
 * staging attempts made, so that chunks they recorded are still committed.
 */
public record StagingAttempt(long value) {

    /** The attempt of a chunk staged and recorded before attempts existed: the old block id and file name. */
    public static final StagingAttempt LEGACY = new StagingAttempt(0);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new attempt, random and never {@link #LEGACY}. */
    public static StagingAttempt random() {
        long value;
        do {
            value = RANDOM.nextLong();
        } while (value == 0);
        return new StagingAttempt(value);
    }

    /** Whether this is {@link #LEGACY}. */
    public boolean isLegacy() {
        return value == 0;
    }

    /** The 16 lowercase hexadecimal digits of the value, as block ids and file names spell it. */
    public String hex() {
        return String.format(Locale.ROOT, "%016x", value);
    }

    /** The attempt spelled by {@link #hex()}. @throws IllegalArgumentException if it is not 16 hexadecimal digits */
    public static StagingAttempt fromHex(String hex) {
        if (hex.length() != 16 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("not a staging attempt: " + hex);
        }
        return new StagingAttempt(Long.parseUnsignedLong(hex, 16));
    }

    @Override
    public String toString() {
        return hex();
    }
}
