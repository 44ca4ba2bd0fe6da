package dev.largeupload.domain.service;

import dev.largeupload.domain.model.BlockId;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.CommittedBlob;
import dev.largeupload.domain.port.StagingTarget;
import java.util.List;
import java.util.Optional;

/** What the use cases of {@link UploadService} answer. */
public final class Results {

    private Results() {
    }

    /** A new upload and its token, which is shown this once and never kept in clear. */
    public record Initiated(UploadSession session, String uploadToken) {
    }

    /**
     * A chunk request done: its blocks staged and recorded. {@code session} is the upload as this request saw it,
     * with the blocks it kept added; {@code receivedBlocks} counts every block the store holds (concurrent
     * requests' included); {@code sha256} is the digest of the request's body when the server knows it (the
     * body was one block, or the client sent a {@code Content-Digest} that matched).
     */
    public record ChunkAccepted(UploadSession session, int index, BlockId blockId, int receivedBlocks,
                                Optional<Sha256> sha256) {

        /** How many bytes at the start of this chunk are held: its length when it is whole. */
        public long chunkReceivedBytes() {
            return session.durablePrefixOf(index);
        }

        /** Whether the whole chunk is held. */
        public boolean chunkReceived() {
            return session.hasReceived(index);
        }

        /** How many chunks are held whole, as far as this request saw. */
        public int receivedCount() {
            return session.receivedCount();
        }

        /**
         * Percentage of the file's bytes received, rounded to two decimals: the measure of status and resume
         * ({@link UploadSession#progressPercentage()}). It counts every block the store holds; the last, shorter
         * block counts with its own length when this request or the session had it (a concurrent request that
         * recorded it unseen makes the figure high by less than one block until the next answer). It reads 100
         * once every block has arrived.
         */
        public double progressPercentage() {
            ChunkPlan plan = session.plan();
            int total = plan.blockCount();
            if (total == 0 || receivedBlocks >= total) {
                return 100.0;
            }
            int last = total - 1;
            boolean lastReceived = session.hasReceivedBlock(last);
            long bytes = (long) receivedBlocks * plan.blockSize() - (lastReceived ? plan.blockSize() - plan.blockLength(last) : 0);
            return Math.round(Math.min(bytes, plan.fileSize()) * 10000.0 / plan.fileSize()) / 100.0;
        }
    }

    /**
     * A committed upload. {@code committedNow} tells whether this call committed it, or found it
     * committed by an earlier call (a client repeating {@code complete}); {@code compositeSha256} is the
     * SHA-256 over its blocks' digests in order, when every block was recorded with one.
     */
    public record Completed(UploadSession session, CommittedBlob blob, Optional<Sha256> compositeSha256,
                            boolean committedNow) {
    }

    /** Where to stage chunk {@code chunk} of a direct upload: one target per block of the chunk, in block order. */
    public record ChunkTargets(UploadSession session, int chunk, List<BlockTarget> blocks) {

        public ChunkTargets {
            blocks = List.copyOf(blocks);
        }
    }

    /** Block {@code blockIndex} of the plan, bytes {@code offset} to {@code offset + length} of the file, and its target. */
    public record BlockTarget(int blockIndex, BlockId blockId, long offset, long length, StagingTarget target) {
    }
}
