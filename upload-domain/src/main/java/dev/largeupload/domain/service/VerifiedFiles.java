package dev.largeupload.domain.service;

import dev.largeupload.domain.model.UploadId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The whole-file SHA-256 of committed uploads that this server computed (while committing, or by reading
 * the file back), so that a repeated {@code complete} naming the same digest is answered without reading
 * the file again. Bounded, least recently used first out; only a saving: what it forgets, or what another
 * server verified, is computed again. Thread-safe.
 */
final class VerifiedFiles {

    private final Map<UploadId, String> sha256ById;

    VerifiedFiles(int capacity) {
        this.sha256ById = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UploadId, String> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void remember(UploadId id, String sha256) {
        sha256ById.put(id, sha256);
    }

    synchronized Optional<String> find(UploadId id) {
        return Optional.ofNullable(sha256ById.get(id));
    }

    synchronized void forget(UploadId id) {
        sha256ById.remove(id);
    }
}
