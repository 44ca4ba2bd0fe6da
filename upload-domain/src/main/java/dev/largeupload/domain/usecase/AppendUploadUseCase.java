package dev.largeupload.domain.usecase;

import dev.largeupload.domain.model.Concatenation;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.service.InitiateRequest;
import dev.largeupload.domain.service.Results.Initiated;

/**
 * Uploads written by byte offset, as the tus protocol writes them: start one with labels, ask for its durable
 * offset, append at that offset. The offset is byte-precise: every whole block that arrived is durable and
 * recorded, and the bytes of an append that ended inside a block are kept as a durable piece of that block.
 * An offset the server reported after an append survives a crash of the server.
 */
public interface AppendUploadUseCase {

    /** Starts an upload as {@link InitiateUploadUseCase} does, and keeps {@code labels} with it. */
    Initiated start(InitiateRequest request, String labels);

    /**
     * The upload as it stands, with its durable offset and labels, for the holder of its token (when the server
     * requires tokens; otherwise for anyone).
     *
     * @throws dev.largeupload.domain.error.UploadException.NotFound if there is no such upload, or the token is not its own
     * @throws dev.largeupload.domain.error.UploadException.Expired if it expired
     */
    AppendStatus appendStatus(UploadId id, String token);

    /**
     * Appends the body at the command's offset, which must be the durable offset (else nothing changes).
     *
     * @return the upload and its new durable offset
     */
    AppendStatus append(AppendCommand command);

    /**
     * Declares the length of an upload whose length was deferred (it becomes fixed: its plan is cut to it), or,
     * when the length is known, checks that {@code length} is it.
     *
     * @return the upload and its durable offset, the length declared
     * @throws dev.largeupload.domain.error.UploadException.LengthMismatch if the length is known and another one,
     *         or if more bytes than {@code length} are held
     * @throws dev.largeupload.domain.error.UploadException.TooLarge if {@code length} is over the largest file allowed
     */
    AppendStatus declareLength(UploadId id, String token, long length);

    /**
     * An upload, the bytes at the start of its file held durably (all of them once it is completed), the labels it
     * was started with, and its role in a concatenation.
     */
    record AppendStatus(UploadSession session, long offset, String labels, Concatenation concatenation) {

        /** The status of an upload that takes no part in a concatenation. */
        public AppendStatus(UploadSession session, long offset, String labels) {
            this(session, offset, labels, Concatenation.NONE);
        }
    }
}
