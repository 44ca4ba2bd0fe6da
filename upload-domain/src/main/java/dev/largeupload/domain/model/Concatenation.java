package dev.largeupload.domain.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The role of an upload in a concatenation (tus's concatenation extension): none; a <b>part</b>, an upload whose
 * bytes become a slice of a concatenated upload, and which at most one concatenated upload claims; or a
 * <b>concatenation</b>, an upload whose bytes are its parts' bytes in order, read from them (never copied).
 *
 * @param kind      what the upload is
 * @param parts     a concatenation's parts, in order (empty otherwise)
 * @param claimedBy the concatenation that claimed a part (empty otherwise)
 */
public record Concatenation(Kind kind, List<UploadId> parts, Optional<UploadId> claimedBy) {

    /** The most parts one concatenation takes. */
    public static final int MAX_PARTS = 1000;

    /** The three roles. */
    public enum Kind { NONE, PART, CONCATENATION }

    /** An upload that takes no part in a concatenation. */
    public static final Concatenation NONE = new Concatenation(Kind.NONE, List.of(), Optional.empty());

    /** A part that no concatenation claimed yet. */
    public static final Concatenation UNCLAIMED_PART = new Concatenation(Kind.PART, List.of(), Optional.empty());

    public Concatenation {
        Objects.requireNonNull(kind, "kind");
        parts = List.copyOf(parts);
        Objects.requireNonNull(claimedBy, "claimedBy");
        if ((kind == Kind.CONCATENATION) != !parts.isEmpty() || parts.size() > MAX_PARTS
                || (kind != Kind.PART && claimedBy.isPresent())) {
            throw new IllegalArgumentException("inconsistent concatenation: " + kind + " " + parts + " " + claimedBy);
        }
    }

    /** The concatenation of {@code parts}, in that order. */
    public static Concatenation of(List<UploadId> parts) {
        return new Concatenation(Kind.CONCATENATION, parts, Optional.empty());
    }

    /** This part, claimed by {@code concatenation}. */
    public Concatenation claimedBy(UploadId concatenation) {
        if (kind != Kind.PART) {
            throw new IllegalStateException("only a part is claimed; this is " + kind);
        }
        return new Concatenation(Kind.PART, List.of(), Optional.of(concatenation));
    }

    public boolean isPart() {
        return kind == Kind.PART;
    }

    public boolean isConcatenation() {
        return kind == Kind.CONCATENATION;
    }

    /** The line a store keeps: {@code part}, {@code part <claimer>} or {@code concatenation <part> <part> ...}; none for NONE. */
    public String encode() {
        return switch (kind) {
            case NONE -> "";
            case PART -> "part" + claimedBy.map(c -> " " + c.value()).orElse("");
            case CONCATENATION -> "concatenation " + String.join(" ", parts.stream().map(UploadId::value).toList());
        };
    }

    /** The concatenation whose {@link #encode()} line is {@code line}. @throws IllegalArgumentException if it is not one */
    public static Concatenation decode(String line) {
        String[] words = line.strip().split(" ");
        if (line.isBlank()) {
            return NONE;
        }
        return switch (words[0]) {
            case "part" -> {
                if (words.length > 2) {
                    throw new IllegalArgumentException("not a concatenation: '" + line + "'");
                }
                yield words.length == 2 ? UNCLAIMED_PART.claimedBy(new UploadId(words[1])) : UNCLAIMED_PART;
            }
            case "concatenation" -> of(java.util.Arrays.stream(words, 1, words.length).map(UploadId::new).toList());
            default -> throw new IllegalArgumentException("not a concatenation: '" + line + "'");
        };
    }
}
