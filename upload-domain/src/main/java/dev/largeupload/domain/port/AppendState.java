package dev.largeupload.domain.port;

import dev.largeupload.domain.model.Concatenation;
import dev.largeupload.domain.model.StagingAttempt;
import java.util.Objects;
import java.util.Optional;

/**
 * What an upload appended to by offset (the tus edge) keeps beside its session: the labels its client gave at
 * creation (opaque to the domain, returned as given), the partial block past its last whole block, if any, and
 * its role in a {@link Concatenation}.
 * {@code revision} counts the replacements: a {@link MetadataStore} replaces a state only when the revision it
 * holds is the one the caller read, so of two appends racing on one upload one wins.
 *
 * <p>The {@link #encode()} text is the one serialization every store keeps (beside the revision): a first line
 * {@code -} or {@code <block> <bytes> <attempt>}, then, for an upload that takes part in a concatenation, a line
 * {@link Concatenation#encode()}, then the labels (which hold no line break, so the lines cannot be confused; a
 * text of an earlier version, without the concatenation line, reads as {@link Concatenation#NONE}).
 */
public record AppendState(long revision, String labels, Optional<PartialBlock> partialBlock,
                          Concatenation concatenation) {

    /** The longest labels kept, in characters. */
    public static final int MAX_LABELS = 8192;

    public AppendState {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(partialBlock, "partialBlock");
        Objects.requireNonNull(concatenation, "concatenation");
        if (revision < 1) {
            throw new IllegalArgumentException("an append state's revision starts at 1; got " + revision);
        }
        if (labels.length() > MAX_LABELS || labels.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("labels are at most " + MAX_LABELS + " characters without control characters");
        }
    }

    /** A state that takes no part in a concatenation. */
    public AppendState(long revision, String labels, Optional<PartialBlock> partialBlock) {
        this(revision, labels, partialBlock, Concatenation.NONE);
    }

    /** The first state of an upload: its labels and no partial block. */
    public static AppendState first(String labels) {
        return new AppendState(1, labels, Optional.empty());
    }

    /** The next revision of this state, with {@code partial} as its partial block. */
    public AppendState withPartialBlock(Optional<PartialBlock> partial) {
        return new AppendState(revision + 1, labels, partial, concatenation);
    }

    /** This state with {@code role} in a concatenation, as the same revision (for a first state). */
    public AppendState as(Concatenation role) {
        return new AppendState(revision, labels, partialBlock, role);
    }

    /** The next revision of this state, with {@code role} in a concatenation. */
    public AppendState withConcatenation(Concatenation role) {
        return new AppendState(revision + 1, labels, partialBlock, role);
    }

    /** The text a store keeps (beside the revision). */
    public String encode() {
        String first = partialBlock.map(p -> p.block() + " " + p.bytes() + " " + p.attempt().hex()).orElse("-");
        String role = concatenation.encode();
        return first + "\n" + (role.isEmpty() ? "" : role + "\n") + labels;
    }

    /** The state of {@code revision} whose {@link #encode()} text is {@code text}. @throws IllegalArgumentException if it is not one */
    public static AppendState decode(long revision, String text) {
        int newline = text.indexOf('\n');
        if (newline < 0) {
            throw new IllegalArgumentException("not an append state: no line break");
        }
        String first = text.substring(0, newline);
        Optional<PartialBlock> partial = Optional.empty();
        if (!first.equals("-")) {
            String[] parts = first.split(" ");
            if (parts.length != 3) {
                throw new IllegalArgumentException("not an append state: '" + first + "'");
            }
            partial = Optional.of(new PartialBlock(Integer.parseInt(parts[0]), Long.parseLong(parts[1]),
                    StagingAttempt.fromHex(parts[2])));
        }
        String rest = text.substring(newline + 1);
        int second = rest.indexOf('\n');
        Concatenation role = second < 0 ? Concatenation.NONE : Concatenation.decode(rest.substring(0, second));
        return new AppendState(revision, rest.substring(second + 1), partial, role);
    }
}
