package dev.largeupload.web.observe;

import dev.largeupload.domain.error.UploadException;
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
import java.time.Duration;

/** Times and counts every chunk the use case accepts or refuses (by problem code), whichever edge sent it. */
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
        // The delegate is called here, not from inside another bean: Weld would enter this decorator again.
        long started = System.nanoTime();
        ChunkAccepted accepted;
        try {
            accepted = delegate.acceptChunk(command);
        } catch (UploadException e) {
            metrics.chunkRefused(e.code(), e);
            throw e;
        }
        metrics.chunkAccepted(accepted, Duration.ofNanos(System.nanoTime() - started));
        return accepted;
    }
}
