package dev.largeupload.web.wiring;

import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.service.InitiateRequest;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.usecase.AppendCommand;
import dev.largeupload.domain.usecase.AppendUploadUseCase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The append use case as a CDI bean for the protocol edges (tus), handing each call to the one {@code AppendService}. */
@ApplicationScoped
public class AppendUseCases implements AppendUploadUseCase {

    @Inject
    UploadWiring wiring;

    @Override
    public Initiated start(InitiateRequest request, String labels) {
        return wiring.appends().start(request, labels);
    }

    @Override
    public AppendStatus appendStatus(UploadId id, String token) {
        return wiring.appends().appendStatus(id, token);
    }

    @Override
    public AppendStatus declareLength(UploadId id, String token, long length) {
        return wiring.appends().declareLength(id, token, length);
    }

    @Override
    public AppendStatus append(AppendCommand command) {
        return wiring.appends().append(command);
    }
}
