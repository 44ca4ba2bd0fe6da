package dev.largeupload.domain.port;

import dev.largeupload.domain.error.UploadException.QuotaExceeded;
import java.util.Objects;

/**
 * What {@link MetadataStore#createWithinQuota} did with a new upload, and the owner's usage it decided on (before
 * the new upload).
 *
 * @param outcome whether it was created, or which limit refused it
 * @param usage   the owner's active uploads and bytes when it was decided
 */
public record Admission(Outcome outcome, OwnerUsage usage) {

    /** Created, or refused by which limit (nothing saved). */
    public enum Outcome {
        CREATED,
        /** The server-wide cap on active uploads was reached. */
        SERVER_FULL,
        /** The owner has as many active uploads as the quota allows. */
        OWNER_UPLOADS,
        /** The new upload's size would take the owner's active bytes over the quota. */
        OWNER_BYTES
    }

    public Admission {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(usage, "usage");
    }

    /**
     * The decision for an upload of {@code size} bytes given the owner's {@code usage}, the server's {@code active}
     * count and its cap {@code maxActive} (0: none): each store counts, then asks this, so that all decide alike.
     */
    public static Admission decide(OwnerUsage usage, long size, OwnerQuota quota, int active, int maxActive) {
        if (maxActive > 0 && active >= maxActive) {
            return new Admission(Outcome.SERVER_FULL, usage);
        }
        if (quota.maxUploads() > 0 && usage.uploads() >= quota.maxUploads()) {
            return new Admission(Outcome.OWNER_UPLOADS, usage);
        }
        if (quota.maxBytes() > 0 && usage.bytes() + size > quota.maxBytes()) {
            return new Admission(Outcome.OWNER_BYTES, usage);
        }
        return new Admission(Outcome.CREATED, usage);
    }

    public boolean created() {
        return outcome == Outcome.CREATED;
    }

    /**
     * Whether the upload (of {@code size} bytes) was created; {@code false} when the server was full.
     *
     * @throws QuotaExceeded if the owner's quota refused it, saying which limit
     */
    public boolean createdUnlessServerFull(OwnerQuota quota, long size) {
        return switch (outcome) {
            case CREATED -> true;
            case SERVER_FULL -> false;
            case OWNER_UPLOADS -> throw new QuotaExceeded(QuotaExceeded.Limit.UPLOADS, quota.maxUploads(), usage.uploads(), 1);
            case OWNER_BYTES -> throw new QuotaExceeded(QuotaExceeded.Limit.BYTES, quota.maxBytes(), usage.bytes(), size);
        };
    }
}
