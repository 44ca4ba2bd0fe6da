package dev.largeupload.domain.service;

import dev.largeupload.domain.model.BlockId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.CommittedBlob;

/** What the use cases of {@link UploadService} answer. */
public final class Results {

    private Results() {
    }

    /** A new upload and its token, which is shown this once and never kept in clear. */
    public record Initiated(UploadSession session, String uploadToken) {
    }

    /** A chunk staged and recorded; {@code receivedCount} counts every chunk received so far. */
    public record ChunkAccepted(UploadSession session, int index, BlockId blockId, int receivedCount) {

        /** Percentage of chunks received, rounded to two decimals. */
        public double progressPercentage() {
            int total = session.plan().chunkCount();
            return total == 0 ? 100.0 : Math.round(receivedCount * 10000.0 / total) / 100.0;
        }
    }

    /**
     * A committed upload. {@code committedNow} tells whether this call committed it, or found it
     * committed by an earlier call (a client repeating {@code complete}).
     */
    public record Completed(UploadSession session, CommittedBlob blob, boolean committedNow) {

        /** An upload this call committed. */
        public Completed(UploadSession session, CommittedBlob blob) {
            this(session, blob, true);
        }
    }
}
