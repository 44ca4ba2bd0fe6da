package dev.largeupload.domain.service;

import dev.largeupload.domain.model.BlockId;
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

        /** Percentage of chunks received, rounded to two decimals. */
        public double progressPercentage() {
            int total = session.plan().chunkCount();
            return total == 0 ? 100.0 : Math.round(receivedCount * 10000.0 / total) / 100.0;
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
