package dev.largeupload.web.observe;

import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.usecase.AbortUploadCommand;
import dev.largeupload.domain.usecase.AbortUploadUseCase;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

/** Reports every upload aborted or deleted by its owner to {@link UploadMetrics#deleted}. */
@Decorator
@Dependent
@Priority(Interceptor.Priority.APPLICATION)
public class ObservedAbort implements AbortUploadUseCase {

    @Inject
    @Delegate
    @Any
    AbortUploadUseCase delegate;

    @Inject
    UploadMetrics metrics;

    @Override
    public UploadSession abort(AbortUploadCommand command) {
        UploadSession before = delegate.abort(command);
        metrics.deleted(before);
        return before;
    }
}
