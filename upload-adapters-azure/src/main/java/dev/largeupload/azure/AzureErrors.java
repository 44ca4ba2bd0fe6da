package dev.largeupload.azure;

import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns what the Azure SDK throws into the domain's errors, so that no vendor exception crosses the
 * port. A domain error thrown by a chunk's stream while the SDK read it comes back unchanged; Azure
 * refusing a Content-MD5 is a {@link ChecksumMismatch}; everything else (authentication, throttling,
 * 5xx, time-outs, refused connections) is {@link StoreUnavailable}, with a message that names the
 * status and Azure's error code but never a URL, key or token.
 */
final class AzureErrors {

    private AzureErrors() {
    }

    /** Whether {@code e} is Azure answering 404 (no such blob or container). */
    static boolean isNotFound(RuntimeException e) {
        return e instanceof BlobStorageException azure && azure.getStatusCode() == 404;
    }

    /**
     * Whether {@code e} is Azure refusing a block id (400 InvalidBlockId, or InvalidBlobOrBlock): one of another
     * length than the blob's blocks already have.
     */
    static boolean isInvalidBlockId(RuntimeException e) {
        return e instanceof BlobStorageException azure && azure.getStatusCode() == 400
                && (BlobErrorCode.INVALID_BLOCK_ID.equals(azure.getErrorCode())
                        || BlobErrorCode.INVALID_BLOB_OR_BLOCK.equals(azure.getErrorCode()));
    }

    /** Whether {@code e} is Azure refusing a write whose condition failed (409 or 412). */
    static boolean isConflict(RuntimeException e) {
        return e instanceof BlobStorageException azure && (azure.getStatusCode() == 409 || azure.getStatusCode() == 412);
    }

    /** The domain error to throw for {@code failure}, which happened while this store tried to {@code action}. */
    static UploadException translate(RuntimeException failure, String action) {
        Optional<UploadException> fromTheClient = domainCause(failure);
        if (fromTheClient.isPresent()) {
            return fromTheClient.get();
        }
        if (failure instanceof BlobStorageException azure && isMd5Mismatch(azure)) {
            return new ChecksumMismatch("The chunk's bytes do not match its Content-MD5; nothing of it was kept.");
        }
        return new StoreUnavailable("Azure Blob Storage could not " + action + " (" + describe(failure) + "); try again shortly.",
                failure);
    }

    /** Azure answers 400 Md5Mismatch; Azurite 3.35 answers 400 InvalidOperation "Provided contentMD5 doesn't match." */
    private static boolean isMd5Mismatch(BlobStorageException azure) {
        return BlobErrorCode.MD5MISMATCH.equals(azure.getErrorCode())
                || azure.getStatusCode() == 400 && BlobErrorCode.INVALID_OPERATION.equals(azure.getErrorCode())
                        && azure.getServiceMessage() != null && azure.getServiceMessage().toLowerCase(java.util.Locale.ROOT).contains("md5");
    }

    /** A short description without secrets: the HTTP status and error code, or the kind of failure. */
    static String describe(Throwable failure) {
        if (failure instanceof BlobStorageException azure) {
            String code = azure.getErrorCode() == null ? "no error code" : azure.getErrorCode().toString();
            return "status " + azure.getStatusCode() + ", " + code;
        }
        return "unreachable";
    }

    /** The first domain error in the cause chain of {@code failure}, if any. */
    private static Optional<UploadException> domainCause(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof UploadException domain) {
                return Optional.of(domain);
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (suppressed instanceof UploadException domain) {
                    return Optional.of(domain);
                }
            }
        }
        return Optional.empty();
    }
}
