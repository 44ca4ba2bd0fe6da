package dev.largeupload.domain.usecase;

import dev.largeupload.domain.service.InitiateRequest;
import dev.largeupload.domain.service.Results.Initiated;

/** Starts an upload: validates what the client asks for, plans the chunks and issues the upload token. */
public interface InitiateUploadUseCase {

    /**
     * @return the new upload and its token, which is shown this once
     * @throws dev.largeupload.domain.error.UploadException if a value is refused or the active-upload cap is reached;
     *         nothing is created then
     */
    Initiated initiate(InitiateRequest request);
}
