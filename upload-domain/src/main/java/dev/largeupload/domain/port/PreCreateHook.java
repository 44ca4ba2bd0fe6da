package dev.largeupload.domain.port;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.model.UploadSession;

/**
 * An outside system asked before each upload is created, on every edge (the native API, tus, the IETF draft), which
 * may refuse it. It is asked after the request was validated and before anything is saved, so a refusal, or no
 * answer, leaves nothing behind.
 */
public interface PreCreateHook {

    /** A hook that allows every upload. */
    PreCreateHook ALLOW_ALL = proposed -> { };

    /**
     * Returns if the upload {@code proposed} (not saved yet) may be created.
     *
     * @throws UploadException.Rejected if the hook refuses it, with the hook's reason
     * @throws UploadException.HookUnavailable if the hook cannot be asked or gives no answer in time (fail closed)
     */
    void check(UploadSession proposed);
}
