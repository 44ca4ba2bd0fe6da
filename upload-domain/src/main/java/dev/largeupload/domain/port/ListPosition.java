package dev.largeupload.domain.port;

import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * A place in the list of uploads ordered newest first (by creation time, then by id, both descending): a page
 * continues with the uploads strictly after it in that order. Uploads created meanwhile are newer, so paging never
 * repeats or skips one.
 *
 * @param createdAt the creation time of the last upload of the previous page (epoch milliseconds are kept)
 * @param id        its id, which orders uploads created in the same millisecond
 */
public record ListPosition(Instant createdAt, UploadId id) {

    /** Newest first: by creation time (to the millisecond, as stores keep it), then by id, both descending. */
    public static final Comparator<UploadSession> NEWEST_FIRST = Comparator
            .comparingLong((UploadSession s) -> s.createdAt().toEpochMilli())
            .thenComparing(s -> s.id().value()).reversed();

    /** The position of {@code session}: a page continuing from it starts with the next older upload. */
    public static ListPosition of(UploadSession session) {
        return new ListPosition(Instant.ofEpochMilli(session.createdAt().toEpochMilli()), session.id());
    }

    public ListPosition {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(id, "id");
    }

    /** Whether {@code other} comes after this position (is older, newest first). */
    public boolean isBefore(UploadSession other) {
        return isBefore(other.createdAt(), other.id());
    }

    /** Whether an upload created at {@code otherCreatedAt} with id {@code otherId} comes after this position. */
    public boolean isBefore(Instant otherCreatedAt, UploadId otherId) {
        long mine = createdAt.toEpochMilli();
        long theirs = otherCreatedAt.toEpochMilli();
        return theirs < mine || (theirs == mine && otherId.value().compareTo(id.value()) < 0);
    }
}
