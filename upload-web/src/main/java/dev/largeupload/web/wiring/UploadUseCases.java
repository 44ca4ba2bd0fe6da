package dev.largeupload.web.wiring;

import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.service.Download;
import dev.largeupload.domain.service.InitiateRequest;
import dev.largeupload.domain.service.Results.ChunkAccepted;
import dev.largeupload.domain.service.Results.Completed;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.service.UploadService;
import dev.largeupload.domain.service.UploadService.SweepResult;
import dev.largeupload.domain.usecase.AbortUploadCommand;
import dev.largeupload.domain.usecase.AbortUploadUseCase;
import dev.largeupload.domain.usecase.AcceptChunkCommand;
import dev.largeupload.domain.usecase.AcceptChunkUseCase;
import dev.largeupload.domain.usecase.CompleteUploadCommand;
import dev.largeupload.domain.usecase.CompleteUploadUseCase;
import dev.largeupload.domain.usecase.DownloadUseCase;
import dev.largeupload.domain.usecase.ExpireUploadsUseCase;
import dev.largeupload.domain.usecase.InitiateUploadUseCase;
import dev.largeupload.domain.usecase.ResumeUploadUseCase;
import dev.largeupload.domain.usecase.StagingTargetCommand;
import dev.largeupload.domain.usecase.StagingTargetUseCase;
import dev.largeupload.domain.service.Results.ChunkTargets;
import dev.largeupload.domain.usecase.UploadStatusUseCase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The use cases as CDI beans: every edge injects the interface it needs ({@code AcceptChunkUseCase} …),
 * and each call goes to the one {@link UploadService} that {@link UploadWiring} built from the
 * configuration. A managed bean rather than producer methods because CDI applies decorators to managed
 * beans only: this is what lets the {@code Observed*} decorators of {@code web.observe} count and log
 * every use case once, for every edge.
 */
@ApplicationScoped
public class UploadUseCases implements InitiateUploadUseCase, AcceptChunkUseCase, CompleteUploadUseCase,
        UploadStatusUseCase, ResumeUploadUseCase, AbortUploadUseCase, DownloadUseCase, ExpireUploadsUseCase,
        StagingTargetUseCase {

    @Inject
    UploadWiring wiring;

    @Override
    public Initiated initiate(InitiateRequest request) {
        return wiring.service().initiate(request);
    }

    @Override
    public ChunkAccepted acceptChunk(AcceptChunkCommand command) {
        return wiring.service().acceptChunk(command);
    }

    @Override
    public Completed complete(CompleteUploadCommand command) {
        return wiring.service().complete(command);
    }

    @Override
    public UploadSession status(UploadId id) {
        return wiring.service().status(id);
    }

    @Override
    public UploadSession resume(UploadId id) {
        return wiring.service().resume(id);
    }

    @Override
    public UploadSession abort(AbortUploadCommand command) {
        return wiring.service().abort(command);
    }

    @Override
    public Download download(UploadId id) {
        return wiring.service().download(id);
    }

    @Override
    public ChunkTargets target(StagingTargetCommand command) {
        return wiring.targets().target(command);
    }

    @Override
    public SweepResult sweep(int limit) {
        return wiring.service().sweep(limit);
    }
}
