package dev.largeupload.metadata.redis;

import dev.largeupload.domain.model.UploadId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The names of the store's keys under its prefix (see {@link RedisMetadataStore} for what each holds).
 *
 * @param prefix what every key starts with
 */
record RedisKeys(String prefix) {

    RedisKeys {
        Objects.requireNonNull(prefix, "prefix");
    }

    /** The keys of one upload and the two sorted sets, in the order the scripts that change an upload expect. */
    record UploadKeys(byte[] hash, byte[] chunks, byte[] digests, byte[] expiry, byte[] finished) {

        /** KEYS[1..5]: hash, chunks, digests, expiry, finished (see key-expiry.lua). */
        List<byte[]> all() {
            return List.of(hash, chunks, digests, expiry, finished);
        }
    }

    UploadKeys of(UploadId id) {
        String hash = prefix + "upload:" + id.value();
        return new UploadKeys(bytes(hash), bytes(hash + ":chunks"), bytes(hash + ":digests"), expiry(), finished());
    }

    /** {@code <prefix>expiry}: the ids of active uploads scored by their expiry. */
    byte[] expiry() {
        return bytes(prefix + "expiry");
    }

    /** {@code <prefix>finished}: the ids of expired and aborted uploads scored by the time of that change. */
    byte[] finished() {
        return bytes(prefix + "finished");
    }

    /** {@code <prefix>created}: every upload, scored by its creation time. */
    byte[] created() {
        return bytes(prefix + "created");
    }

    /** {@code <prefix>owner:<owner>:created}: the owner's uploads, scored by creation time (see owner-uploads.lua). */
    byte[] ownerCreated(String owner) {
        return bytes(prefix + "owner:" + owner + ":created");
    }

    static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(long value) {
        return bytes(Long.toString(value));
    }
}
