package dev.largeupload.filesystem;

import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.ChunkPlan;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the filesystem store keeps each thing under its root:
 * <pre>
 *   staging/&lt;blob&gt;/000042.chunk                chunk 42, whole and durable
 *   staging/&lt;blob&gt;/000042.chunk.&lt;uuid&gt;.tmp     chunk 42 still arriving (never counted as staged)
 *   committed/&lt;blob&gt;                          the committed blob
 *   committed/&lt;blob&gt;.&lt;uuid&gt;.tmp               a commit still being written
 *   discarded/&lt;blob&gt;.&lt;uuid&gt;/                   staged chunks set aside by a commit or delete, being removed
 * </pre>
 * Every path is built from a {@link BlobName} (a safe path segment by construction), integers and
 * random UUIDs; nothing a user typed ever reaches a path. A blob name cannot contain a dot, so no
 * temporary name can be taken for a blob or a chunk.
 */
final class BlobLayout {

    /** The glob of finished chunk files; fixed-width names so they sort in index order. */
    static final String CHUNK_GLOB = "[0-9][0-9][0-9][0-9][0-9][0-9].chunk";

    private static final Pattern CHUNK_NAME = Pattern.compile("(\\d{6})\\.chunk");

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

    Path chunk(BlobName blob, int index) {
        return stagingDir(blob).resolve(chunkName(index));
    }

    Path newChunkTemp(BlobName blob, int index) {
        return stagingDir(blob).resolve(chunkName(index) + "." + UUID.randomUUID() + ".tmp");
    }

    Path committed(BlobName blob) {
        return committedRoot.resolve(blob.value());
    }

    Path newCommitTemp(BlobName blob) {
        return committedRoot.resolve(blob.value() + "." + UUID.randomUUID() + ".tmp");
    }

    /** The glob, inside {@link #committedRoot()}, of the temporary files of commits of {@code blob}. */
    String commitTempGlob(BlobName blob) {
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

    private static String chunkName(int index) {
        return String.format("%06d.chunk", requireChunkIndex(index));
    }
}
