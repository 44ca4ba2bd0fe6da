package dev.largeupload.metadata.common;

import dev.largeupload.domain.model.TransferMode;
import dev.largeupload.domain.model.UploadSession;
import java.util.List;
import java.util.function.Function;

/**
 * The fields of an {@link UploadSession} as every metadata store keeps them, by the name each store uses (a
 * JDBC column, a Redis hash field, a property of the session file): a new field of the session is added here
 * and in {@link SessionCodec#decode}, and every store keeps it. The set of received blocks is not among them:
 * each store keeps it in a form of its own (a bitmap column, a Redis bitmap, a Base64 property) next to these.
 *
 * <p>A value is a {@link String}, a {@link Long} (sizes; instants as UTC epoch milliseconds) or an
 * {@link Integer}; {@code null} only for an optional field that is absent, which a store leaves out (Redis,
 * files) or writes as NULL (JDBC). A field added after the first version ({@link #BLOCK_SIZE}) is always written
 * now, but may be absent in what an older version wrote; {@link SessionCodec#decode} says what its absence means.
 */
public enum SessionField {
    FILE_NAME("file_name", s -> s.fileName().value()),
    CONTENT_TYPE("content_type", UploadSession::contentType),
    FILE_SIZE("file_size", s -> s.plan().fileSize()),
    CHUNK_SIZE("chunk_size", s -> s.plan().chunkSize()),
    CHUNK_COUNT("chunk_count", s -> s.plan().chunkCount()),
    /**
     * The plan's block size. Absent in what versions before blocks wrote (a NULL column, no hash field, no
     * property): their plans have blocks as large as their chunks, which is how {@link SessionCodec#decode} reads them.
     */
    BLOCK_SIZE("block_size", s -> s.plan().blockSize()),
    STATE("state", s -> s.state().name()),
    CREATED_AT("created_at", s -> s.createdAt().toEpochMilli()),
    UPDATED_AT("updated_at", s -> s.updatedAt().toEpochMilli()),
    EXPIRES_AT("expires_at", s -> s.expiresAt().toEpochMilli()),
    TOKEN_HASH("token_hash", UploadSession::tokenHash),
    EXPECTED_SHA256("expected_sha256", s -> s.expectedSha256().orElse(null)),
    /** {@code 1} while the upload's length is deferred, absent once it is known (and for every upload before it). */
    LENGTH_DEFERRED("length_deferred", s -> s.lengthDeferred() ? "1" : null),
    /** {@code direct} for a direct transfer; absent for one through this server (and for every upload before it). */
    TRANSFER("transfer", s -> s.transfer() == TransferMode.PROXY ? null : s.transfer().wireName()),
    /** The signed-in subject who started the upload; absent when no one was signed in (and for every upload before it). */
    OWNER("owner", s -> s.owner().orElse(null));

    /** The fields that {@link SessionCodec#plan} reads the plan from. */
    public static final List<SessionField> PLAN = List.of(FILE_SIZE, CHUNK_SIZE, CHUNK_COUNT, BLOCK_SIZE);

    private final String key;
    private final Function<UploadSession, Object> read;

    SessionField(String key, Function<UploadSession, Object> read) {
        this.key = key;
        this.read = read;
    }

    /** The name of the column, hash field or property; never changes, as stored data is read by it. */
    public String key() {
        return key;
    }

    /** This field of {@code session}: a String, Long or Integer, or {@code null} when an optional field is absent. */
    public Object valueOf(UploadSession session) {
        return read.apply(session);
    }
}
