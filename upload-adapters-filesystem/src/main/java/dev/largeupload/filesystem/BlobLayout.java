package dev.largeupload.filesystem;

import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.StagingAttempt;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * Where the filesystem store keeps each thing under its root:
 * <pre>
 *   staging/&lt;blob&gt;/data          the upload's bytes as they arrive: one file of the upload's size, each block
 *                                 written in place at its offset (sparse until then)
 *   staging/&lt;blob&gt;/000042-&lt;attempt&gt;.chunk  chunk 42 as an older version staged it under one attempt (16 hex digits)
 *   staging/&lt;blob&gt;/000042.chunk   chunk 42 as versions before staging attempts staged it (the legacy attempt)
 *   committed/&lt;blob&gt;             the committed blob: the data file, renamed
 *   committed/&lt;blob&gt;.&lt;uuid&gt;.tmp  a commit being written by an older version (removed by delete and commit)
 *   discarded/&lt;blob&gt;.&lt;uuid&gt;/      a staging directory set aside by a commit or delete, being removed
 * </pre>
 * Every path is built from a {@link BlobName} (a safe path segment by construction), fixed names and
 * random UUIDs; nothing a user typed ever reaches a path. A blob name cannot contain a dot, so no
 * temporary name can be taken for a blob. The chunk files of older versions (whose plans have one block
 * per chunk) are only read by the commit of an upload they began, which copies the recorded ones into place.
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

    /** The file in which an older version staged chunk {@code index} under {@code attempt}. */
    Path olderChunk(BlobName blob, int index, StagingAttempt attempt) {
        String digits = String.format(Locale.ROOT, "%06d", index);
        return stagingDir(blob).resolve(attempt.isLegacy() ? digits + ".chunk" : digits + "-" + attempt.hex() + ".chunk");
    }

    /** The glob of the chunk files of older versions. */
    static final String OLDER_CHUNK_GLOB = "[0-9][0-9][0-9][0-9][0-9][0-9]*.chunk";

    Path committed(BlobName blob) {
        return committedRoot.resolve(blob.value());
    }

    /** The glob, inside {@link #committedRoot()}, of the temporary files that older versions' commits of {@code blob} wrote there. */
    String olderCommitTempGlob(BlobName blob) {
        return blob.value() + ".*.tmp";
    }
}
