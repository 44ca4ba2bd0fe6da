package dev.largeupload.web.wiring;

import dev.largeupload.domain.service.InitiateRequest;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.usecase.ConcatenateUploadsUseCase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The concatenation use case as a CDI bean for the tus edge, handing each call to the one {@code ConcatenationService}. */
@ApplicationScoped
public class ConcatenationUseCases implements ConcatenateUploadsUseCase {

    @Inject
    UploadWiring wiring;

    @Override
    public Initiated startPart(InitiateRequest request, String labels) {
        return wiring.concatenations().startPart(request, labels);
    }

    @Override
    public Concatenated concatenate(ConcatenateCommand command) {
        return wiring.concatenations().concatenate(command);
    }
}
