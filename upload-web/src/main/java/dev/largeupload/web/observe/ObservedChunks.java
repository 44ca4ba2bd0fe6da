package dev.largeupload.web.observe;

import dev.largeupload.domain.service.Results.ChunkAccepted;
import dev.largeupload.domain.usecase.AcceptChunkCommand;
import dev.largeupload.domain.usecase.AcceptChunkUseCase;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

/** Times and counts every chunk the use case accepts or refuses, whichever edge sent it ({@link UploadMetrics#chunk}). */
@Decorator
@Dependent
@Priority(Interceptor.Priority.APPLICATION)
public class ObservedChunks implements AcceptChunkUseCase {

    @Inject
    @Delegate
    @Any
    AcceptChunkUseCase delegate;

    @Inject
    UploadMetrics metrics;

    @Override
    public ChunkAccepted acceptChunk(AcceptChunkCommand command) {
        return metrics.chunk(() -> delegate.acceptChunk(command));
    }
}
