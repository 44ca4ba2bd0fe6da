package dev.largeupload.domain.port;

import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.StagingAttempt;
import java.io.InputStream;

/**
 * A capability of a blob store beside {@link BlobStore}: durable, readable <b>pieces</b>, each the first bytes of
 * one block of a blob, kept apart from the block's staging. An append that ends inside a block writes the
 * block's prefix as a piece; the append that continues reads the piece back, streaming, in front of its own
 * body, and stages the block whole. A piece is at most one block long, so the bytes copied again are bounded by
 * a block per append. (Azure cannot read back an uncommitted block, hence a readable object of its own.)
 *
 * <p>Every implementation guarantees: streaming (bounded memory, also for a stream of unknown length); a piece is
 * durable when {@link #writePiece} returns (see there); pieces of different attempts never touch each other; {@link BlobStore#delete} of the blob, and
 * {@link #deletePieces}, discard every piece of it; thread-safe; no vendor exceptions.
 */
public interface PieceStore {

    /**
     * Writes the bytes of {@code data}, up to its end or {@code maxLength} bytes, whichever comes first, as the
     * piece of block {@code block} of {@code blob} under {@code attempt}, and answers how many it holds (possibly
     * none: the caller then deletes it). A piece of fewer than {@code maxLength} bytes is durable when this returns;
     * one of {@code maxLength} bytes (a whole block, which the caller stages from and deletes at once) need not be.
     * When the stream throws, its exception passes through and no piece of that attempt is readable.
     */
    long writePiece(BlobName blob, int block, StagingAttempt attempt, InputStream data, long maxLength);

    /**
     * Opens the first {@code length} bytes of that piece; the caller closes the stream.
     *
     * @throws dev.largeupload.domain.error.UploadException.NotFound if there is no such piece of at least that length
     */
    InputStream openPiece(BlobName blob, int block, StagingAttempt attempt, long length);

    /** Discards that piece; succeeds when there is none. */
    void deletePiece(BlobName blob, int block, StagingAttempt attempt);

    /** Discards every piece of {@code blob}; succeeds when there is none. */
    void deletePieces(BlobName blob);
}
