package dev.largeupload.domain.model;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The block id of a chunk, derived from its index and never stored: the Base64 of
 * {@code "block-"} followed by the index in six digits. All ids of one blob therefore have the
 * same length, as Azure requires, staging an index again replaces its block, and the commit list
 * is simply the ids of 0..n-1.
 */
public record BlockId(String value) {

    private static final int DIGITS = 6;

    public static BlockId of(int index) {
        if (index < 0 || index >= ChunkPlan.MAX_BLOCKS) {
            throw new IllegalArgumentException("block index out of range: " + index);
        }
        String raw = "block-" + String.format("%0" + DIGITS + "d", index);
        return new BlockId(Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The chunk index this id was derived from. */
    public int index() {
        String raw = new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII);
        return Integer.parseInt(raw.substring("block-".length()));
    }

    @Override
    public String toString() {
        return value;
    }
}
