package dev.largeupload.domain.error;

import java.util.List;

/**
 * Every way an upload operation can fail, as one closed family. Each case carries a stable,
 * machine-readable {@link #code()} that clients may rely on across releases; the message is for
 * people. The domain knows nothing of HTTP: the edge maps each case to a status.
 */
public abstract sealed class UploadException extends RuntimeException
        permits UploadException.InvalidArgument, UploadException.NotFound, UploadException.Expired,
                UploadException.ChunkOutOfRange, UploadException.ChunkLengthMismatch,
                UploadException.TooLarge, UploadException.Incomplete, UploadException.NotActive,
                UploadException.ChecksumMismatch, UploadException.TransferInterrupted,
                UploadException.StoreUnavailable, UploadException.TooManyUploads,
                UploadException.OffsetMismatch, UploadException.OffsetConflict,
                UploadException.Forbidden, UploadException.NotConcatenable,
                UploadException.LengthMismatch,
                UploadException.Rejected, UploadException.HookUnavailable,
                UploadException.TransferUnavailable, UploadException.WrongTransfer,
                UploadException.QuotaExceeded {

    private static final long serialVersionUID = 1L;

    UploadException(String message) {
        super(message);
    }

    UploadException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The stable code of this failure, such as {@code upload.not-found}. */
    public abstract String code();

    /** A value that enters the domain is malformed or outside what the domain accepts. */
    public static final class InvalidArgument extends UploadException {
        private static final long serialVersionUID = 1L;

        /** Which input was refused; each has its own stable code. */
        public enum Field {
            UPLOAD_ID("upload.invalid-id"),
            FILE_NAME("upload.invalid-filename"),
            FILE_SIZE("upload.invalid-file-size"),
            CHUNK_SIZE("upload.invalid-chunk-size"),
            CHUNK_INDEX("upload.invalid-chunk-index"),
            CONTENT_TYPE("upload.invalid-content-type"),
            CHECKSUM("upload.invalid-checksum"),
            RANGE("upload.invalid-range");

            private final String code;

            Field(String code) {
                this.code = code;
            }
        }

        private final Field field;

        public InvalidArgument(Field field, String message) {
            super(message);
            this.field = field;
        }

        public Field field() {
            return field;
        }

        @Override
        public String code() {
            return field.code;
        }
    }

    /** No such upload, or the caller did not prove it owns it (the two are indistinguishable). */
    public static final class NotFound extends UploadException {
        private static final long serialVersionUID = 1L;

        public NotFound(String uploadId) {
            super("No upload with id " + uploadId + " exists, or its upload token was not given.");
        }

        @Override
        public String code() {
            return "upload.not-found";
        }
    }

    /** The upload stayed idle past its time to live; its staged data has been or will be discarded. */
    public static final class Expired extends UploadException {
        private static final long serialVersionUID = 1L;

        public Expired(String uploadId) {
            super("Upload " + uploadId + " expired after being idle too long; start a new upload.");
        }

        @Override
        public String code() {
            return "upload.expired";
        }
    }

    /** A chunk index outside 0..chunkCount-1. */
    public static final class ChunkOutOfRange extends UploadException {
        private static final long serialVersionUID = 1L;
        private final long index;
        private final int chunkCount;

        public ChunkOutOfRange(long index, int chunkCount) {
            super(chunkCount == 0
                    ? "Chunk index " + index + " is out of range: this upload has no chunks."
                    : "Chunk index " + index + " is out of range: valid indexes are 0 to " + (chunkCount - 1) + ".");
            this.index = index;
            this.chunkCount = chunkCount;
        }

        public long index() {
            return index;
        }

        public int chunkCount() {
            return chunkCount;
        }

        @Override
        public String code() {
            return "upload.chunk-out-of-range";
        }
    }

    /** A chunk body shorter or longer than the plan says; nothing of it was kept. */
    public static final class ChunkLengthMismatch extends UploadException {
        private static final long serialVersionUID = 1L;
        private final long expected;

        public ChunkLengthMismatch(int index, long expected, String actual) {
            super("Chunk " + index + " must be exactly " + expected + " bytes, but " + actual + ".");
            this.expected = expected;
        }

        public long expected() {
            return expected;
        }

        @Override
        public String code() {
            return "upload.chunk-length-mismatch";
        }
    }

    /** A file or chunk larger than this service accepts. */
    public static final class TooLarge extends UploadException {
        private static final long serialVersionUID = 1L;
        private final long limit;

        public TooLarge(String what, long size, long limit) {
            super(what + " of " + size + " bytes exceeds the limit of " + limit + " bytes.");
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }

        @Override
        public String code() {
            return "upload.too-large";
        }
    }

    /** Completion was asked for while some chunks have not arrived. */
    public static final class Incomplete extends UploadException {
        private static final long serialVersionUID = 1L;
        private final List<Integer> missingChunks;

        public Incomplete(List<Integer> missingChunks) {
            super(missingChunks.size() + " chunk(s) have not been received yet; send them, then complete again.");
            this.missingChunks = List.copyOf(missingChunks);
        }

        public List<Integer> missingChunks() {
            return missingChunks;
        }

        @Override
        public String code() {
            return "upload.incomplete";
        }
    }

    /** The upload is no longer (or not yet again) accepting this operation, e.g. a chunk after completion. */
    public static final class NotActive extends UploadException {
        private static final long serialVersionUID = 1L;

        public NotActive(String message) {
            super(message);
        }

        @Override
        public String code() {
            return "upload.not-active";
        }
    }

    /** The bytes received do not match the digest the client sent with them; nothing of them was kept. */
    public static final class ChecksumMismatch extends UploadException {
        private static final long serialVersionUID = 1L;

        public ChecksumMismatch(String message) {
            super(message);
        }

        @Override
        public String code() {
            return "upload.checksum-mismatch";
        }
    }

    /** The client's request body broke off or stalled before the chunk was whole; nothing of it was kept. */
    public static final class TransferInterrupted extends UploadException {
        private static final long serialVersionUID = 1L;
        private final boolean timedOut;

        public TransferInterrupted(int index, boolean timedOut, Throwable cause) {
            super("The body of chunk " + index + (timedOut ? " stalled" : " broke off")
                    + " before it was complete; send the chunk again.", cause);
            this.timedOut = timedOut;
        }

        public boolean timedOut() {
            return timedOut;
        }

        @Override
        public String code() {
            return "upload.transfer-interrupted";
        }
    }

    /**
     * A store (metadata or blob) could not be reached or refused to work for now. Nothing was
     * changed by the failed call that a retry could not repeat; the client should retry after
     * {@link #retryAfterSeconds()}.
     */
    public static final class StoreUnavailable extends UploadException {
        private static final long serialVersionUID = 1L;
        private final int retryAfterSeconds;

        public StoreUnavailable(String message, Throwable cause) {
            this(message, cause, 5);
        }

        public StoreUnavailable(String message, Throwable cause, int retryAfterSeconds) {
            super(message, cause);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public int retryAfterSeconds() {
            return retryAfterSeconds;
        }

        @Override
        public String code() {
            return "store.unavailable";
        }
    }

    /** The server already holds as many active uploads as its operator allows; a new one may start later. */
    public static final class TooManyUploads extends UploadException {
        private static final long serialVersionUID = 1L;

        public TooManyUploads(int limit) {
            super("This server already has " + limit + " uploads in progress, its limit; finish or delete one, or try again later.");
        }

        @Override
        public String code() {
            return "upload.too-many-uploads";
        }
    }

    /**
     * A request continues a chunk from a byte the server cannot continue from: not a block boundary, or past
     * the chunk's durable prefix. {@link #receivedBytes()} is where the client continues.
     */
    public static final class OffsetMismatch extends UploadException {
        private static final long serialVersionUID = 1L;
        private final int chunkIndex;
        private final long receivedBytes;

        public OffsetMismatch(int chunkIndex, long requestedFirst, long receivedBytes, long blockSize) {
            super("Chunk " + chunkIndex + " cannot continue at byte " + requestedFirst + ": the server holds its first "
                    + receivedBytes + " bytes; continue at a block boundary (a multiple of " + blockSize
                    + " bytes) no later than byte " + receivedBytes + ".");
            this.chunkIndex = chunkIndex;
            this.receivedBytes = receivedBytes;
        }

        public int chunkIndex() {
            return chunkIndex;
        }

        /** How many bytes at the start of the chunk the server holds: the offset to continue from. */
        public long receivedBytes() {
            return receivedBytes;
        }

        @Override
        public String code() {
            return "upload.offset-mismatch";
        }
    }

    /**
     * An append to an upload did not start at the upload's durable offset, or another append to the same upload
     * is in progress: nothing was changed; the client asks for the offset again and continues from there.
     */
    public static final class OffsetConflict extends UploadException {
        private static final long serialVersionUID = 1L;
        private final long durableOffset;

        public OffsetConflict(String uploadId, long requested, long durableOffset, boolean busy) {
            super(busy ? "Another request is appending to upload " + uploadId + " right now; ask for its offset again"
                    + " once it ended." : "Upload " + uploadId + " holds " + durableOffset + " bytes; an append must start"
                    + " there, not at byte " + requested + ".");
            this.durableOffset = durableOffset;
        }

        /** How many bytes at the start of the file the server holds durably, as of the refusal. */
        public long durableOffset() {
            return durableOffset;
        }

        @Override
        public String code() {
            return "upload.offset-conflict";
        }
    }

    /**
     * The upload exists and the caller holds it, but this operation is not one it allows: appending to a
     * concatenated upload (its bytes are its parts'), downloading a part of a concatenation as a file of its own,
     * deleting a part that a concatenated upload reads.
     */
    public static final class Forbidden extends UploadException {
        private static final long serialVersionUID = 1L;

        public Forbidden(String message) {
            super(message);
        }

        @Override
        public String code() {
            return "upload.forbidden";
        }
    }

    /** An upload named as a part of a concatenation is not a partial upload, or not complete yet: nothing was created. */
    public static final class NotConcatenable extends UploadException {
        private static final long serialVersionUID = 1L;

        public NotConcatenable(String message) {
            super(message);
        }

        @Override
        public String code() {
            return "upload.not-concatenable";
        }
    }

    /** A length declared for an upload that differs from the one it has (a length, once known, never changes). */
    public static final class LengthMismatch extends UploadException {
        private static final long serialVersionUID = 1L;

        public LengthMismatch(String uploadId, long length, long declared) {
            super(length < 0 ? "Upload " + uploadId + " holds more than the " + declared + " bytes declared as its length."
                    : "The length of upload " + uploadId + " is " + length + " bytes, fixed once known; " + declared
                    + " was declared.");
        }

        @Override
        public String code() {
            return "upload.length-mismatch";
        }
    }

    /** The pre-create hook refused the upload, with its reason (the message): nothing was created. */
    public static final class Rejected extends UploadException {
        private static final long serialVersionUID = 1L;

        public Rejected(String reason) {
            super(reason);
        }

        @Override
        public String code() {
            return "upload.rejected";
        }
    }

    /**
     * The pre-create hook did not answer in time, could not be reached, or answered what is not an answer: the upload
     * is refused (fail closed) and nothing was created; the client may try again later.
     */
    public static final class HookUnavailable extends UploadException {
        private static final long serialVersionUID = 1L;

        public HookUnavailable(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public String code() {
            return "hook.unavailable";
        }
    }

    /** The transfer mode asked for at initiation is not one this server offers (direct needs a store that can sign). */
    public static final class TransferUnavailable extends UploadException {
        private static final long serialVersionUID = 1L;

        public TransferUnavailable(String message) {
            super(message);
        }

        @Override
        public String code() {
            return "upload.transfer-unavailable";
        }
    }

    /**
     * A request that belongs to the other transfer mode: a staging target asked for an upload that goes through
     * this server ({@code upload.not-direct}), or a chunk body sent to an upload whose blocks go straight to the
     * storage ({@code upload.not-proxy}). Nothing changed.
     */
    public static final class WrongTransfer extends UploadException {
        private static final long serialVersionUID = 1L;
        private final boolean uploadIsDirect;

        public WrongTransfer(String uploadId, boolean uploadIsDirect) {
            super(uploadIsDirect
                    ? "Upload " + uploadId + " is a direct transfer: ask for each chunk's target and send its blocks"
                            + " to the storage, not to this server."
                    : "Upload " + uploadId + " goes through this server (transfer \"proxy\"): send its chunks here;"
                            + " staging targets exist only for uploads started with \"transfer\": \"direct\".");
            this.uploadIsDirect = uploadIsDirect;
        }

        @Override
        public String code() {
            return uploadIsDirect ? "upload.not-proxy" : "upload.not-direct";
        }
    }

    /**
     * A signed-in owner's active uploads would go over the operator's quota: too many uploads at once, or too many
     * bytes in them. Says which limit, its value and the owner's use; finishing or deleting an upload makes room.
     */
    public static final class QuotaExceeded extends UploadException {
        private static final long serialVersionUID = 1L;

        /** Which quota; each has its own stable code. */
        public enum Limit {
            UPLOADS("quota.uploads-exceeded", "active_uploads"),
            BYTES("quota.bytes-exceeded", "active_bytes");

            private final String code;
            private final String key;

            Limit(String code, String key) {
                this.code = code;
                this.key = key;
            }

            /** The name of the limit in an answer ({@code active_uploads}, {@code active_bytes}). */
            public String key() {
                return key;
            }
        }

        private final Limit limit;
        private final long value;
        private final long used;

        /**
         * @param limit     which quota refused the upload
         * @param value     the quota's value (uploads, or bytes)
         * @param used      what the owner holds now, in the same unit
         * @param requested what the refused upload asked for (1 upload, or its size in bytes)
         */
        public QuotaExceeded(Limit limit, long value, long used, long requested) {
            super(limit == Limit.UPLOADS
                    ? "You have " + used + " uploads in progress, your quota of " + value
                            + "; finish or delete one before starting another."
                    : "This upload of " + requested + " bytes would take your uploads in progress to " + (used + requested)
                            + " bytes, over your quota of " + value + " bytes (" + used + " in use); finish or delete one first.");
            this.limit = limit;
            this.value = value;
            this.used = used;
        }

        public Limit limit() {
            return limit;
        }

        /** The quota's value. */
        public long value() {
            return value;
        }

        /** What the owner holds now. */
        public long used() {
            return used;
        }

        @Override
        public String code() {
            return limit.code;
        }
    }
}
