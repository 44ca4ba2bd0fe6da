package dev.largeupload.domain.port;

/**
 * What one owner holds in active uploads (those {@link MetadataStore#countActive} counts) at one moment.
 *
 * @param uploads how many
 * @param bytes   the sum of their file sizes (a deferred length counts as its plan's size)
 */
public record OwnerUsage(int uploads, long bytes) {

    public static final OwnerUsage NONE = new OwnerUsage(0, 0);

    /** This usage with one more upload of {@code size} bytes. */
    public OwnerUsage plus(long size) {
        return new OwnerUsage(uploads + 1, bytes + size);
    }
}
