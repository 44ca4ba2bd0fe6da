package dev.largeupload.domain.service;

import dev.largeupload.domain.model.BlockId;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.CommittedBlob;
import java.util.Optional;

/** What the use cases of {@link UploadService} answer. */
public final class Results {

    private Results() {
    }

    /** A new upload and its token, which is shown this once and never kept in clear. */
    public record Initiated(UploadSession session, String uploadToken) {
    }

    /**
     * A chunk staged and recorded with the SHA-256 the server computed of it; {@code receivedCount} counts
     * every chunk received so far.
     */
    public record ChunkAccepted(UploadSession session, int index, BlockId blockId, int receivedCount, Sha256 sha256) {

        /**
         * Percentage of the file's bytes received, rounded to two decimals: the measure of status and resume
         * ({@link UploadSession#progressPercentage()}). Only the count of received chunks is known here, so the
         * last, shorter chunk counts with its own length when this request sent it or the session already had
         * it; if a concurrent request recorded it unseen, the figure is high by less than one chunk until the
         * next answer. It reads 100 once every chunk has arrived.
         */
        public double progressPercentage() {
            ChunkPlan plan = session.plan();
            int total = plan.chunkCount();
            if (total == 0 || receivedCount >= total) {
                return 100.0;
            }
            int last = total - 1;
            boolean lastReceived = index == last || session.hasReceived(last);
            long bytes = (long) receivedCount * plan.chunkSize() - (lastReceived ? plan.chunkSize() - plan.lengthOf(last) : 0);
            return Math.round(bytes * 10000.0 / plan.fileSize()) / 100.0;
        }
    }

    /**
     * A committed upload. {@code committedNow} tells whether this call committed it, or found it
     * committed by an earlier call (a client repeating {@code complete}); {@code compositeSha256} is the
     * SHA-256 over its chunks' digests in order, when every chunk was recorded with one.
     */
    public record Completed(UploadSession session, CommittedBlob blob, Optional<Sha256> compositeSha256,
                            boolean committedNow) {
    }
}
