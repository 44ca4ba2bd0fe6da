package dev.largeupload.web.observe;

import dev.largeupload.domain.service.UploadService.SweepResult;
import dev.largeupload.domain.usecase.ExpireUploadsUseCase;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

/** Reports what each round of the expiry sweep did to {@link UploadMetrics#swept}. */
@Decorator
@Dependent
@Priority(Interceptor.Priority.APPLICATION)
public class ObservedSweep implements ExpireUploadsUseCase {

    @Inject
    @Delegate
    @Any
    ExpireUploadsUseCase delegate;

    @Inject
    UploadMetrics metrics;

    @Override
    public SweepResult sweep(int limit) {
        SweepResult result = delegate.sweep(limit);
        metrics.swept(result);
        return result;
    }
}
