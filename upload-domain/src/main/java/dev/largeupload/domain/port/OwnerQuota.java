package dev.largeupload.domain.port;

/**
 * What one owner may hold in active uploads at once (an operator's quota); 0 for no limit.
 *
 * @param maxUploads how many uploads one owner may have active
 * @param maxBytes   how many bytes (the sum of the declared file sizes; a deferred length counts as the largest
 *                   file allowed) one owner's active uploads may add up to
 */
public record OwnerQuota(int maxUploads, long maxBytes) {

    /** No quota. */
    public static final OwnerQuota NONE = new OwnerQuota(0, 0);

    public OwnerQuota {
        if (maxUploads < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("a quota is 0 (none) or more");
        }
    }

    /** Whether either limit is set. */
    public boolean limits() {
        return maxUploads > 0 || maxBytes > 0;
    }
}
