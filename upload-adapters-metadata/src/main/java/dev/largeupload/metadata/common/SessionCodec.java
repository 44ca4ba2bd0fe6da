package dev.largeupload.metadata.common;

import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.TransferMode;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import java.time.Instant;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Maps an {@link UploadSession} to its {@link SessionField}s and back, once for every metadata store. The text
 * form (Redis hash, session file) is the decimal form of each value; the JDBC store binds the typed values and
 * reads the columns back as text. Decoding reads what every earlier version of the stores wrote.
 */
public final class SessionCodec {

    private SessionCodec() {
    }

    /** Where {@link #decode} reads a field's text from; {@code null} for a field that is absent. */
    @FunctionalInterface
    public interface FieldSource<E extends Exception> {
        String text(SessionField field) throws E;
    }

    /** The session's fields, in {@link SessionField} order, with their typed values; absent optional fields are left out. */
    public static Map<SessionField, Object> values(UploadSession session) {
        Map<SessionField, Object> values = new LinkedHashMap<>();
        for (SessionField field : SessionField.values()) {
            Object value = field.valueOf(session);
            if (value != null) {
                values.put(field, value);
            }
        }
        return values;
    }

    /** The session's fields as text by {@link SessionField#key()}, in {@link SessionField} order; absent ones left out. */
    public static Map<String, String> text(UploadSession session) {
        Map<String, String> text = new LinkedHashMap<>();
        values(session).forEach((field, value) -> text.put(field.key(), value.toString()));
        return text;
    }

    /**
     * The plan that {@code fields} gives: its block size exactly as written, or, when {@link SessionField#BLOCK_SIZE}
     * is absent (written before blocks existed), blocks as large as the chunks, the plan that version made.
     *
     * @throws E what {@code fields} throws
     */
    public static <E extends Exception> ChunkPlan plan(FieldSource<E> fields) throws E {
        long fileSize = Long.parseLong(fields.text(SessionField.FILE_SIZE));
        long chunkSize = Long.parseLong(fields.text(SessionField.CHUNK_SIZE));
        int chunkCount = Integer.parseInt(fields.text(SessionField.CHUNK_COUNT));
        String blockSize = fields.text(SessionField.BLOCK_SIZE);
        return blockSize == null ? new ChunkPlan(fileSize, chunkSize, chunkCount)
                : new ChunkPlan(fileSize, chunkSize, chunkCount, Long.parseLong(blockSize));
    }

    /**
     * The session {@code id} whose fields {@code fields} gives as text and whose received blocks are {@code received}
     * (see {@link #plan} for a session written before blocks existed, whose blocks are its chunks).
     *
     * @throws E what {@code fields} throws (a JDBC store's {@code SQLException})
     */
    public static <E extends Exception> UploadSession decode(UploadId id, FieldSource<E> fields, BitSet received)
            throws E {
        return UploadSession.restore(id, new FileName(fields.text(SessionField.FILE_NAME)),
                fields.text(SessionField.CONTENT_TYPE),
                plan(fields), received, UploadState.valueOf(fields.text(SessionField.STATE)),
                instant(fields, SessionField.CREATED_AT), instant(fields, SessionField.UPDATED_AT),
                instant(fields, SessionField.EXPIRES_AT), fields.text(SessionField.TOKEN_HASH),
                Optional.ofNullable(fields.text(SessionField.EXPECTED_SHA256)),
                "1".equals(fields.text(SessionField.LENGTH_DEFERRED)), transfer(fields.text(SessionField.TRANSFER)),
                Optional.ofNullable(fields.text(SessionField.OWNER)));
    }

    /** The session {@code id} from its fields as text by {@link SessionField#key()} (a Redis hash, a session file). */
    public static UploadSession decode(UploadId id, Map<String, String> text, BitSet received) {
        FieldSource<RuntimeException> fields = field -> text.get(field.key());
        return decode(id, fields, received);
    }

    /** The transfer mode a store wrote; absent (every upload before transfer modes) is {@link TransferMode#PROXY}. */
    private static TransferMode transfer(String text) {
        if (text == null) {
            return TransferMode.PROXY;
        }
        return TransferMode.ofWireName(text).orElseThrow(() -> new IllegalStateException("unknown transfer mode " + text));
    }

    private static <E extends Exception> Instant instant(FieldSource<E> fields, SessionField field) throws E {
        return Instant.ofEpochMilli(Long.parseLong(fields.text(field)));
    }
}
