package dev.largeupload.domain.port;

import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.UploadId;
import java.util.Objects;
import java.util.Optional;

/** What a committed blob is labelled with: its content type, its original file name, its upload, and a whole-file SHA-256 when known. */
public record BlobAttributes(String contentType, FileName fileName, UploadId uploadId, Optional<String> sha256) {

    public BlobAttributes {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(uploadId, "uploadId");
        Objects.requireNonNull(sha256, "sha256");
    }
}
