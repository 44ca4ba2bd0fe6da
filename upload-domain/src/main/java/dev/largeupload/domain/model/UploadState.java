package dev.largeupload.domain.model;

import java.util.Set;

/**
 * The life of an upload: {@code ACTIVE -> COMPLETING -> COMPLETED}, {@code ACTIVE -> ABORTED},
 * {@code ACTIVE -> EXPIRED}. {@code COMPLETING -> ACTIVE} undoes a completion that could not
 * commit (a chunk missing, a store away), so the client can fix it and complete again.
 */
public enum UploadState {
    ACTIVE, COMPLETING, COMPLETED, ABORTED, EXPIRED;

    /** Whether this state may change into {@code next}. */
    public boolean canBecome(UploadState next) {
        return switch (this) {
            case ACTIVE -> Set.of(COMPLETING, ABORTED, EXPIRED).contains(next);
            case COMPLETING -> Set.of(COMPLETED, ACTIVE).contains(next);
            case COMPLETED -> next == ABORTED;
            case ABORTED, EXPIRED -> false;
        };
    }
}
