package dev.largeupload.domain.service;

import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.WrongTransfer;
import dev.largeupload.domain.model.BlockId;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.TransferMode;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.DirectTransfers;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.service.Results.BlockTarget;
import dev.largeupload.domain.service.Results.ChunkTargets;
import dev.largeupload.domain.usecase.StagingTargetCommand;
import dev.largeupload.domain.usecase.StagingTargetUseCase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Issues the staging targets of direct uploads: for each block of a chunk, a grant of the blob store's
 * {@link DirectTransfers} to stage exactly that block of exactly that upload's blob, until the earlier of now plus
 * the grant's time to live and the upload's own expiry (a grant never outlives its upload). It checks the token
 * and the upload's state as a chunk request does, and changes nothing.
 */
public final class DirectTransferService implements StagingTargetUseCase {

    private final MetadataStore metadata;
    private final Optional<DirectTransfers> direct;
    private final UploadPolicy policy;
    private final Duration grantTtl;
    private final Clock clock;

    /**
     * @param direct   the blob store's capability, empty when it has none (then no upload is direct)
     * @param grantTtl how long a target is valid at most
     */
    public DirectTransferService(MetadataStore metadata, Optional<DirectTransfers> direct, UploadPolicy policy,
                                 Duration grantTtl, Clock clock) {
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.direct = Objects.requireNonNull(direct, "direct");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.grantTtl = Objects.requireNonNull(grantTtl, "grantTtl");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (grantTtl.isNegative() || grantTtl.isZero()) {
            throw new IllegalArgumentException("the time to live of a staging target must be positive: " + grantTtl);
        }
    }

    @Override
    public ChunkTargets target(StagingTargetCommand command) {
        UploadSession session = metadata.find(command.id()).orElseThrow(() -> new NotFound(command.id().value()));
        if (policy.requireToken() && !session.isOwnedBy(command.token())) {
            throw new NotFound(command.id().value());
        }
        if (session.transfer() != TransferMode.DIRECT || direct.isEmpty()) {
            throw new WrongTransfer(command.id().value(), false);
        }
        Instant now = clock.instant();
        session.requireAcceptsChunk(command.index(), now);
        int chunk = (int) command.index();
        Instant expiresAt = now.plus(grantTtl);
        if (session.expiresAt().isBefore(expiresAt)) {
            expiresAt = session.expiresAt();
        }
        // A SAS names its expiry in whole seconds: rounding down keeps it within both limits.
        expiresAt = expiresAt.truncatedTo(ChronoUnit.SECONDS);
        ChunkPlan plan = session.plan();
        int first = plan.firstBlockOf(chunk);
        List<BlockTarget> blocks = new ArrayList<>();
        for (int block = first; block < first + plan.blockCountOf(chunk); block++) {
            BlockId id = BlockId.of(block);
            blocks.add(new BlockTarget(block, id, plan.blockOffset(block), plan.blockLength(block),
                    direct.get().target(session.blobName(), id, expiresAt)));
        }
        return new ChunkTargets(session, chunk, blocks);
    }
}
