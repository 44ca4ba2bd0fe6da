package dev.largeupload.web.observe;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.service.Results.Completed;
import dev.largeupload.domain.usecase.CompleteUploadCommand;
import dev.largeupload.domain.usecase.CompleteUploadUseCase;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

/** Counts every commit (once) and every whole-file checksum failure to {@link UploadMetrics}. */
@Decorator
@Dependent
@Priority(Interceptor.Priority.APPLICATION)
public class ObservedCompletion implements CompleteUploadUseCase {

    @Inject
    @Delegate
    @Any
    CompleteUploadUseCase delegate;

    @Inject
    UploadMetrics metrics;

    @Override
    public Completed complete(CompleteUploadCommand command) {
        Completed done;
        try {
            done = delegate.complete(command);
        } catch (UploadException e) {
            metrics.completionRefused(e);
            throw e;
        }
        metrics.completed(done);
        return done;
    }
}
