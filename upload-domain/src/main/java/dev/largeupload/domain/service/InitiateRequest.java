package dev.largeupload.domain.service;

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
 */
public record InitiateRequest(String fileName, long fileSize, OptionalLong chunkSize,
                              Optional<String> contentType, Optional<String> sha256, boolean lengthDeferred) {

    /** A request for a file whose size is known. */
    public InitiateRequest(String fileName, long fileSize, OptionalLong chunkSize, Optional<String> contentType,
                           Optional<String> sha256) {
        this(fileName, fileSize, chunkSize, contentType, sha256, false);
    }
}
