package dev.largeupload.web.observe;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.service.InitiateRequest;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.usecase.AppendCommand;
import dev.largeupload.domain.usecase.AppendUploadUseCase;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

/**
 * Reports the uploads the protocol edges (tus) start and the bytes they append to {@link UploadMetrics}, as
 * {@link ObservedInitiation} and {@link ObservedChunks} do for the native API: an append counts the bytes it moved
 * the durable offset by; a refused one counts under its problem code.
 */
@Decorator
@Dependent
@Priority(Interceptor.Priority.APPLICATION)
public class ObservedAppends implements AppendUploadUseCase {

    @Inject
    @Delegate
    @Any
    AppendUploadUseCase delegate;

    @Inject
    UploadMetrics metrics;

    @Override
    public Initiated start(InitiateRequest request, String labels) {
        Initiated started = delegate.start(request, labels);
        metrics.initiated(started);
        return started;
    }

    @Override
    public AppendStatus appendStatus(UploadId id, String token) {
        return delegate.appendStatus(id, token);
    }

    @Override
    public AppendStatus declareLength(UploadId id, String token, long length) {
        return delegate.declareLength(id, token, length);
    }

    @Override
    public AppendStatus append(AppendCommand command) {
        AppendStatus status;
        try {
            status = delegate.append(command);
        } catch (UploadException e) {
            metrics.chunkRefused(e.code(), e);
            throw e;
        }
        metrics.appended(Math.max(0, status.offset() - command.offset()));
        return status;
    }
}
