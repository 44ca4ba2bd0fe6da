package dev.largeupload.domain.fakes;

import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.BlockId;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.port.DirectTransfers;
import dev.largeupload.domain.port.StagingTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link DirectTransfers} over an {@link InMemoryBlobStore}: a target is a {@code memory:} URL naming the blob, the
 * block id and the expiry; a client stages through {@link InMemoryBlobStore#stageAsIs} under the legacy attempt, as
 * the URL's block id says. Keeps every target it issued, for assertions.
 */
public final class InMemoryDirectTransfers implements DirectTransfers {

    private final InMemoryBlobStore blobs;
    private final List<StagingTarget> issued = new ArrayList<>();

    public InMemoryDirectTransfers(InMemoryBlobStore blobs) {
        this.blobs = blobs;
    }

    @Override
    public synchronized StagingTarget target(BlobName blob, BlockId block, Instant expiresAt) {
        StagingTarget target = new StagingTarget("PUT", "memory://" + blob.value() + "?comp=block&blockid=" + block.value()
                + "&se=" + expiresAt, Map.of("x-ms-version", "test"), expiresAt);
        issued.add(target);
        return target;
    }

    @Override
    public Map<Integer, Long> stagedBlocks(BlobName blob) {
        return blobs.stagedSizes(blob, StagingAttempt.LEGACY);
    }

    public synchronized List<StagingTarget> issued() {
        return List.copyOf(issued);
    }
}
