package dev.largeupload.domain.service;

import dev.largeupload.domain.model.TransferMode;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a client asks for when it starts an upload. Values are raw; {@link UploadService#initiate}
 * validates them.
 *
 * @param fileName    the display name of the file
 * @param fileSize    its exact size in bytes
 * @param chunkSize   the chunk size the client wants, or empty for the server's default
 * @param contentType the media type to store with the blob, or empty for {@code application/octet-stream}
 * @param sha256      the hex SHA-256 of the whole file, when the client knows it
 * @param lengthDeferred whether the size is not known yet: {@code fileSize} is then ignored, the upload is planned
 *                    for the largest file the policy allows, and its length is declared later
 * @param transfer    how the bytes travel: through this server, or straight to the blob storage
 */
public record InitiateRequest(String fileName, long fileSize, OptionalLong chunkSize,
                              Optional<String> contentType, Optional<String> sha256, boolean lengthDeferred,
                              TransferMode transfer) {

    public InitiateRequest {
        Objects.requireNonNull(transfer, "transfer");
    }

    /** A request whose bytes go through this server. */
    public InitiateRequest(String fileName, long fileSize, OptionalLong chunkSize, Optional<String> contentType,
                           Optional<String> sha256, boolean lengthDeferred) {
        this(fileName, fileSize, chunkSize, contentType, sha256, lengthDeferred, TransferMode.PROXY);
    }

    /** A request for a file whose size is known. */
    public InitiateRequest(String fileName, long fileSize, OptionalLong chunkSize, Optional<String> contentType,
                           Optional<String> sha256) {
        this(fileName, fileSize, chunkSize, contentType, sha256, false);
    }
}
