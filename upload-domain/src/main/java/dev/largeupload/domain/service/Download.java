package dev.largeupload.domain.service;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.InvalidArgument.Field;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.BlobStore;
import java.io.InputStream;

/** A committed file ready to be read, whole or by byte range. */
public final class Download {

    private final UploadSession session;
    private final BlobStore blobStore;

    Download(UploadSession session, BlobStore blobStore) {
        this.session = session;
        this.blobStore = blobStore;
    }

    public UploadSession session() {
        return session;
    }

    public long size() {
        return session.plan().fileSize();
    }

    /**
     * Opens {@code length} bytes from {@code offset}; the caller closes the stream.
     *
     * @throws InvalidArgument if the range does not lie within the file
     */
    public InputStream open(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > size() || offset + length < 0) {
            throw new InvalidArgument(Field.RANGE, "Bytes " + offset + " to " + (offset + length)
                    + " are outside a file of " + size() + " bytes.");
        }
        return blobStore.openCommitted(session.blobName(), offset, length);
    }
}
