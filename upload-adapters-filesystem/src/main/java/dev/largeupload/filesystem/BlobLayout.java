package dev.largeupload.filesystem;

import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.StagingAttempt;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the filesystem store keeps each thing under its root:
 * <pre>
 *   staging/&lt;blob&gt;/000042-&lt;attempt&gt;.chunk              chunk 42 as staged by one attempt (16 hex digits), whole and durable
 *   staging/&lt;blob&gt;/000042-&lt;attempt&gt;.chunk.&lt;uuid&gt;.tmp   that attempt still arriving (never counted as staged)
 *   staging/&lt;blob&gt;/000042.chunk                        chunk 42 as versions before staging attempts kept it (the legacy attempt)
 *   staging/&lt;blob&gt;/commit.&lt;uuid&gt;.tmp                  a commit still being written: inside the staging directory, so that
 *                                                   a crash leaves it where the retried commit or a delete removes it
 *   committed/&lt;blob&gt;                                  the committed blob
 *   committed/&lt;blob&gt;.&lt;uuid&gt;.tmp                       a commit being written by an older version (removed by delete and commit)
 *   discarded/&lt;blob&gt;.&lt;uuid&gt;/                           staged chunks set aside by a commit or delete, being removed
 * </pre>
 * Every path is built from a {@link BlobName} (a safe path segment by construction), integers and
 * random UUIDs; nothing a user typed ever reaches a path. A blob name cannot contain a dot, so no
 * temporary name can be taken for a blob or a chunk.
 */
final class BlobLayout {

    /** The glob of finished chunk files of every attempt; fixed-width names so they sort in index order. */
    static final String CHUNK_GLOB = "[0-9][0-9][0-9][0-9][0-9][0-9]*.chunk";

    private static final Pattern CHUNK_NAME = Pattern.compile("(\\d{6})(?:-[0-9a-f]{16})?\\.chunk");

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

    Path chunk(BlobName blob, int index, StagingAttempt attempt) {
        return stagingDir(blob).resolve(chunkName(index, attempt));
    }

    Path newChunkTemp(BlobName blob, int index, StagingAttempt attempt) {
        return stagingDir(blob).resolve(chunkName(index, attempt) + "." + UUID.randomUUID() + ".tmp");
    }

    Path committed(BlobName blob) {
        return committedRoot.resolve(blob.value());
    }

    Path newCommitTemp(BlobName blob) {
        return stagingDir(blob).resolve("commit." + UUID.randomUUID() + ".tmp");
    }

    /** The glob, inside {@link #committedRoot()}, of the temporary files that older versions' commits of {@code blob} wrote there. */
    String olderCommitTempGlob(BlobName blob) {
        return blob.value() + ".*.tmp";
    }

    /** The index a finished chunk file is named for, or empty for any other file. */
    static OptionalInt indexOf(Path chunkFile) {
        Matcher matcher = CHUNK_NAME.matcher(chunkFile.getFileName().toString());
        return matcher.matches() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
    }

    /** @throws IllegalArgumentException for an index no plan can have */
    static int requireChunkIndex(int index) {
        if (index < 0 || index >= ChunkPlan.MAX_BLOCKS) {
            throw new IllegalArgumentException("chunk index out of range: " + index);
        }
        return index;
    }

    private static String chunkName(int index, StagingAttempt attempt) {
        String digits = String.format(Locale.ROOT, "%06d", requireChunkIndex(index));
        return attempt.isLegacy() ? digits + ".chunk" : digits + "-" + attempt.hex() + ".chunk";
    }
}
