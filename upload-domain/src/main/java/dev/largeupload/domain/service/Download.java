package dev.largeupload.domain.service;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.InvalidArgument.Field;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.BlobStore;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A committed file ready to be read, whole or by byte range: one committed blob, or, for a concatenation, the
 * committed blobs of its parts read one after the other (each opened only when the range reaches it), so the
 * bytes of a concatenation are never copied.
 */
public final class Download {

    private final UploadSession session;
    private final BlobStore blobStore;
    private final List<Segment> segments;

    Download(UploadSession session, BlobStore blobStore) {
        this(session, blobStore, List.of(new Segment(session.blobName(), session.plan().fileSize())));
    }

    Download(UploadSession session, BlobStore blobStore, List<Segment> segments) {
        this.session = session;
        this.blobStore = blobStore;
        this.segments = List.copyOf(segments);
    }

    /** A committed blob of {@code size} bytes, one slice of the file. */
    record Segment(BlobName blob, long size) {
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
        if (segments.size() == 1) {
            return blobStore.openCommitted(segments.get(0).blob(), offset, length);
        }
        List<long[]> slices = new ArrayList<>();
        List<BlobName> blobs = new ArrayList<>();
        long start = 0;
        long end = offset + length;
        for (Segment segment : segments) {
            long from = Math.max(offset, start);
            long to = Math.min(end, start + segment.size());
            if (from < to) {
                slices.add(new long[] {from - start, to - from});
                blobs.add(segment.blob());
            }
            start += segment.size();
        }
        if (slices.isEmpty()) {
            return InputStream.nullInputStream();
        }
        // Opened one at a time, as the reader reaches each slice; closing the sequence closes the open one.
        return new SequenceInputStream(new Enumeration<InputStream>() {
            private int next;

            @Override
            public boolean hasMoreElements() {
                return next < slices.size();
            }

            @Override
            public InputStream nextElement() {
                if (next >= slices.size()) {
                    throw new NoSuchElementException();
                }
                long[] slice = slices.get(next);
                return blobStore.openCommitted(blobs.get(next++), slice[0], slice[1]);
            }
        });
    }
}
