package dev.largeupload.domain.model;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The block id of a staged chunk, derived from its index and its {@link StagingAttempt} and never
 * stored: the Base64 of {@code "block-"}, the index in six digits, {@code "-"} and the attempt in
 * sixteen hexadecimal digits. All ids of one blob therefore have the same length (40 characters), as
 * Azure requires; each attempt has a block of its own, and the commit list is the ids of the recorded
 * attempts of 0..n-1.
 *
 * <p>The {@link StagingAttempt#LEGACY} attempt has the id of versions before attempts: Base64 of
 * {@code "block-"} and six digits (16 characters), which is also the label {@link #of(int)} gives a chunk.
 */
public record BlockId(String value) {

    private static final Pattern RAW = Pattern.compile("block-(\\d{6})(?:-([0-9a-f]{16}))?");

    /** The id of chunk {@code index} staged by {@code attempt}. */
    public static BlockId of(int index, StagingAttempt attempt) {
        if (index < 0 || index >= ChunkPlan.MAX_BLOCKS) {
            throw new IllegalArgumentException("block index out of range: " + index);
        }
        String raw = String.format(Locale.ROOT, "block-%06d", index) + (attempt.isLegacy() ? "" : "-" + attempt.hex());
        return new BlockId(Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The id of chunk {@code index} as versions before staging attempts staged it (the legacy attempt's). */
    public static BlockId of(int index) {
        return of(index, StagingAttempt.LEGACY);
    }

    /** The index and attempt of an id that {@link #of(int, StagingAttempt)} made, or empty for any other id. */
    public static Optional<Parsed> parse(String value) {
        try {
            String raw = new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII);
            Matcher matcher = RAW.matcher(raw);
            if (!matcher.matches()) {
                return Optional.empty();
            }
            int index = Integer.parseInt(matcher.group(1));
            StagingAttempt attempt = matcher.group(2) == null ? StagingAttempt.LEGACY : StagingAttempt.fromHex(matcher.group(2));
            // A legacy attempt spelled with sixteen zeros, or Base64 with a different padding, is no id of ours.
            if (index >= ChunkPlan.MAX_BLOCKS || !of(index, attempt).value().equals(value)) {
                return Optional.empty();
            }
            return Optional.of(new Parsed(index, attempt));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The chunk index this id was derived from. @throws IllegalArgumentException if no {@code of} made it */
    public int index() {
        return parse(value).orElseThrow(() -> new IllegalArgumentException("not a block id of this service: " + value)).index();
    }

    /** What a block id was derived from. */
    public record Parsed(int index, StagingAttempt attempt) {
    }

    @Override
    public String toString() {
        return value;
    }
}
