package dev.largeupload.web.observe;

import dev.largeupload.domain.service.InitiateRequest;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.usecase.InitiateUploadUseCase;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

/** Reports every upload started, whichever edge started it, to {@link UploadMetrics}. */
@Decorator
@Dependent
@Priority(Interceptor.Priority.APPLICATION)
public class ObservedInitiation implements InitiateUploadUseCase {

    @Inject
    @Delegate
    @Any
    InitiateUploadUseCase delegate;

    @Inject
    UploadMetrics metrics;

    @Override
    public Initiated initiate(InitiateRequest request) {
        Initiated started = delegate.initiate(request);
        metrics.initiated(started);
        return started;
    }
}
