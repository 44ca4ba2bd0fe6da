package dev.largeupload.filesystem;

import dev.largeupload.domain.model.BlobName;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Where the filesystem store keeps each thing under its root:
 * <pre>
 *   staging/&lt;blob&gt;/data          the upload's bytes as they arrive: one file of the upload's size, each block
 *                                 written in place at its offset (sparse until then)
 *   committed/&lt;blob&gt;             the committed blob: the data file, renamed
 *   committed/&lt;blob&gt;.&lt;uuid&gt;.tmp  a commit being written by an older version (removed by delete and commit)
 *   discarded/&lt;blob&gt;.&lt;uuid&gt;/      a staging directory set aside by a commit or delete, being removed
 * </pre>
 * Every path is built from a {@link BlobName} (a safe path segment by construction), fixed names and
 * random UUIDs; nothing a user typed ever reaches a path. A blob name cannot contain a dot, so no
 * temporary name can be taken for a blob. A staging directory may also hold files of older versions
 * (a file per chunk); they are never read, and go with the directory.
 */
final class BlobLayout {

    private final Path stagingRoot;
    private final Path committedRoot;
    private final Path discardedRoot;

    BlobLayout(Path root) {
        Path absolute = root.toAbsolutePath().normalize();
        this.stagingRoot = absolute.resolve("staging");
        this.committedRoot = absolute.resolve("committed");
        this.discardedRoot = absolute.resolve("discarded");
    }

    Path discardedRoot() {
        return discardedRoot;
    }

    /** A fresh name under {@link #discardedRoot()} to move the staging directory of {@code blob} to. */
    Path newDiscarded(BlobName blob) {
        return discardedRoot.resolve(blob.value() + "." + UUID.randomUUID());
    }

    Path stagingRoot() {
        return stagingRoot;
    }

    Path committedRoot() {
        return committedRoot;
    }

    Path stagingDir(BlobName blob) {
        return stagingRoot.resolve(blob.value());
    }

    /** The one data file of {@code blob} while it is staged. */
    Path data(BlobName blob) {
        return stagingDir(blob).resolve("data");
    }

    Path committed(BlobName blob) {
        return committedRoot.resolve(blob.value());
    }

    /** The glob, inside {@link #committedRoot()}, of the temporary files that older versions' commits of {@code blob} wrote there. */
    String olderCommitTempGlob(BlobName blob) {
        return blob.value() + ".*.tmp";
    }
}
