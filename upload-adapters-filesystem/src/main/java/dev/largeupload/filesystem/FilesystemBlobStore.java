package dev.largeupload.filesystem;

import static java.nio.file.StandardOpenOption.READ;

import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.ChunkLengthMismatch;
import dev.largeupload.domain.error.UploadException.Incomplete;
import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.InvalidArgument.Field;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.error.UploadException.TransferInterrupted;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.port.BlobAttributes;
import dev.largeupload.domain.port.BlobStore;
import dev.largeupload.domain.port.BlockData;
import dev.largeupload.domain.port.CommittedBlob;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link BlobStore} on a local or shared POSIX filesystem: the embedded default, for one host or
 * for several hosts that mount the same filesystem with atomic rename (a local disk, NFSv4).
 *
 * <p>It keeps the port's promises this way (the layout is {@link BlobLayout}'s):
 * <ul>
 *   <li><b>Streaming</b>: a chunk is copied through one buffer of at most {@value #BUFFER_SIZE}
 *       bytes; commits and reads move bytes between files without holding them.</li>
 *   <li><b>All or nothing per chunk</b>: a chunk is written to a temporary file of its own, forced
 *       to disk, and renamed to the name of its index and attempt only when all of its bytes arrived.
 *       A request cut off, or a crash at any moment, leaves at most a temporary file that is never
 *       counted as staged.</li>
 *   <li><b>Attempts apart</b>: each attempt has a file of its own, so concurrent stagings of one index
 *       never replace each other's bytes; a commit joins the files of the attempts it is given.</li>
 *   <li><b>Atomic, idempotent commit</b>: the chunks are joined into a temporary file inside the
 *       upload's staging directory, forced, and renamed to the committed name, so a reader sees no blob
 *       or the whole blob; only then is the staging directory (every attempt, and what a commit cut off
 *       by a crash left there) set aside and removed. A commit repeated after a success (or after a
 *       crash before the clean-up) finds the blob of the planned size and returns it.</li>
 *   <li><b>Thread-safe without locks</b>: writers never share a file, and every change becomes
 *       visible through an atomic rename.</li>
 *   <li><b>Errors</b>: domain errors thrown by a chunk's stream pass through unchanged; a failure of
 *       the stream itself is {@link TransferInterrupted}; this store's own I/O failures are
 *       {@link StoreUnavailable}.</li>
 * </ul>
 * The attributes given to {@link #commit} are not stored: the metadata store keeps them.
 */
public final class FilesystemBlobStore implements BlobStore {

    static final int BUFFER_SIZE = 1024 * 1024;

    private static final Logger LOG = Logger.getLogger(FilesystemBlobStore.class.getName());

    /** One daemon thread for the whole JVM removes set-aside staging directories, one after another. */
    private static final ExecutorService DISCARDER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "filesystem-blob-discarder");
        thread.setDaemon(true);
        return thread;
    });

    /** Bytes moved per read while joining chunks; one direct buffer per commit. */
    private static final int JOIN_BUFFER = 1 << 20;

    private final BlobLayout layout;
    private final DurableFiles files;

    /**
     * A store that keeps everything under {@code root}, creating it when needed.
     *
     * @throws UncheckedIOException if {@code root} cannot be created or is not a writable directory
     */
    public FilesystemBlobStore(Path root) {
        this.layout = new BlobLayout(root);
        try {
            Files.createDirectories(layout.stagingRoot());
            Files.createDirectories(layout.committedRoot());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the blob directories under " + root, e);
        }
        this.files = new DurableFiles(layout.committedRoot());
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(layout.discardedRoot())) {
            // Set aside before a restart and not removed yet: remove them now, in the background.
            leftovers.forEach(this::removeInBackground);
        } catch (NoSuchFileException e) {
            // Nothing was ever set aside.
        } catch (IOException | DirectoryIteratorException e) {
            LOG.log(Level.WARNING, "Cannot list " + layout.discardedRoot() + "; leftovers stay until the next start", e);
        }
    }

    @Override
    public void checkAvailable() {
        for (Path dir : List.of(layout.stagingRoot(), layout.committedRoot())) {
            if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
                throw new StoreUnavailable("The blob directory " + dir + " is missing or not writable.", null);
            }
        }
    }

    @Override
    public void stage(BlobName blob, int index, StagingAttempt attempt, BlockData chunk) {
        Path temp = layout.newChunkTemp(blob, index, attempt);
        try {
            try (FileChannel out = files.createNew(temp)) {
                copy(chunk.data(), index, chunk.length(), out);
                out.force(true);
            }
            files.moveAtomically(temp, layout.chunk(blob, index, attempt));
        } catch (IOException e) {
            throw unavailable("store chunk " + index + " of " + blob, e);
        } finally {
            deleteLeftover(temp);
        }
    }

    @Override
    public BitSet stagedChunks(BlobName blob, ChunkPlan plan) {
        BitSet staged = new BitSet(plan.chunkCount());
        try (DirectoryStream<Path> chunks = Files.newDirectoryStream(layout.stagingDir(blob), BlobLayout.CHUNK_GLOB)) {
            for (Path chunk : chunks) {
                OptionalInt index = BlobLayout.indexOf(chunk);
                if (index.isPresent() && index.getAsInt() < plan.chunkCount()
                        && sizeOf(chunk) == plan.lengthOf(index.getAsInt())) {
                    staged.set(index.getAsInt());
                }
            }
            return staged;
        } catch (NoSuchFileException e) {
            return staged;
        } catch (IOException | DirectoryIteratorException e) {
            throw unavailable("list the chunks of " + blob, e);
        }
    }

    @Override
    public CommittedBlob commit(BlobName blob, ChunkPlan plan, List<StagingAttempt> attempts, BlobAttributes attributes) {
        if (attempts.size() != plan.chunkCount()) {
            throw new IllegalArgumentException(attempts.size() + " staging attempts for " + plan.chunkCount() + " chunks");
        }
        try {
            Optional<CommittedBlob> done = committedWithSize(blob, plan.fileSize());
            if (done.isEmpty()) {
                List<Integer> missing = missing(blob, plan, attempts);
                if (!missing.isEmpty()) {
                    throw new Incomplete(missing);
                }
                done = Optional.of(join(blob, plan, attempts, attributes.sha256()));
            }
            // Also finishes the clean-up of a commit that crashed after its rename, and removes what a commit
            // cut off by a crash left: in the staging directory, or (an older version's) beside the blob.
            discardStaging(blob);
            DurableFiles.deleteMatching(layout.committedRoot(), layout.olderCommitTempGlob(blob));
            return done.get();
        } catch (IOException e) {
            throw unavailable("commit " + blob, e);
        }
    }

    @Override
    public InputStream openCommitted(BlobName blob, long offset, long length) {
        FileChannel channel;
        try {
            channel = FileChannel.open(layout.committed(blob), READ);
        } catch (NoSuchFileException e) {
            throw new NotFound(blob.value());
        } catch (IOException e) {
            throw unavailable("open " + blob, e);
        }
        long size;
        try {
            size = channel.size();
        } catch (IOException e) {
            throw closing(channel, unavailable("open " + blob, e));
        }
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw closing(channel, new InvalidArgument(Field.RANGE, "Bytes " + offset + " to " + (offset + length)
                    + " are outside a file of " + size + " bytes."));
        }
        return new FileRangeInputStream(channel, offset, length);
    }

    @Override
    public void delete(BlobName blob) {
        try {
            Files.deleteIfExists(layout.committed(blob));
            DurableFiles.deleteMatching(layout.committedRoot(), layout.olderCommitTempGlob(blob));
            discardStaging(blob);
        } catch (IOException e) {
            throw unavailable("delete " + blob, e);
        }
    }

    /**
     * Sets the staging directory of {@code blob} aside in one rename, so that it is gone for every reader
     * at once, and removes its files on a background thread: a file per chunk, up to 50,000 of them,
     * would otherwise be unlinked inside the client's request.
     */
    private void discardStaging(BlobName blob) throws IOException {
        Path aside = layout.newDiscarded(blob);
        try {
            Files.createDirectories(layout.discardedRoot());
            Files.move(layout.stagingDir(blob), aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return;
        }
        removeInBackground(aside);
    }

    private void removeInBackground(Path aside) {
        DISCARDER.execute(() -> {
            try {
                files.deleteDirectory(aside);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "Cannot remove " + aside + "; it is removed at the next start", e);
            }
        });
    }

    /**
     * Joins chunks 0..n-1, each as its attempt staged it, into a forced temporary file in the staging
     * directory, hashing the bytes on their way, and renames it to the committed name, unless the file's
     * SHA-256 differs from {@code expectedSha256}.
     */
    private CommittedBlob join(BlobName blob, ChunkPlan plan, List<StagingAttempt> attempts, Optional<String> expectedSha256)
            throws IOException {
        Files.createDirectories(layout.committedRoot());
        Path temp = layout.newCommitTemp(blob);
        try {
            MessageDigest sha256 = Sha256.newDigest();
            ByteBuffer buffer = ByteBuffer.allocateDirect(JOIN_BUFFER);
            try (FileChannel out = files.createNew(temp)) {
                for (int index = 0; index < plan.chunkCount(); index++) {
                    appendChunk(layout.chunk(blob, index, attempts.get(index)), plan, index, out, sha256, buffer);
                }
                out.force(true);
            }
            String actual = Sha256.of(sha256.digest()).hex();
            if (expectedSha256.isPresent() && !expectedSha256.get().equals(actual)) {
                throw new ChecksumMismatch("The file's SHA-256 is " + actual + ", not the expected "
                        + expectedSha256.get() + "; it was not committed.");
            }
            try {
                files.moveAtomically(temp, layout.committed(blob));
            } catch (NoSuchFileException e) {
                // A concurrent commit of the same blob finished first and set the staging directory aside.
                return committedWithSize(blob, plan.fileSize()).orElseThrow(() -> e);
            }
            return new CommittedBlob(plan.fileSize(), Optional.of(actual));
        } catch (Incomplete e) {
            // A concurrent commit of the same blob may have finished first and removed the chunks.
            return committedWithSize(blob, plan.fileSize()).orElseThrow(() -> e);
        } finally {
            deleteLeftover(temp);
        }
    }

    private static void appendChunk(Path chunkFile, ChunkPlan plan, int index, FileChannel out, MessageDigest sha256,
                                    ByteBuffer buffer) throws IOException {
        long length = plan.lengthOf(index);
        // Re-checked on the open file: a chunk may have been removed since it was listed.
        try (FileChannel chunk = FileChannel.open(chunkFile, READ)) {
            if (chunk.size() != length) {
                throw new Incomplete(List.of(index));
            }
            long done = 0;
            while (done < length) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), length - done));
                int n = chunk.read(buffer, done);
                if (n <= 0) {
                    throw new Incomplete(List.of(index));
                }
                done += n;
                buffer.flip();
                sha256.update(buffer.duplicate());
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
        } catch (NoSuchFileException e) {
            throw new Incomplete(List.of(index));
        }
    }

    private Optional<CommittedBlob> committedWithSize(BlobName blob, long size) {
        long actual = sizeOf(layout.committed(blob));
        return actual == size ? Optional.of(new CommittedBlob(size, Optional.empty())) : Optional.empty();
    }

    /** The indexes whose given attempt is not staged with its planned length. */
    private List<Integer> missing(BlobName blob, ChunkPlan plan, List<StagingAttempt> attempts) {
        List<Integer> missing = new ArrayList<>();
        for (int index = 0; index < plan.chunkCount(); index++) {
            if (sizeOf(layout.chunk(blob, index, attempts.get(index))) != plan.lengthOf(index)) {
                missing.add(index);
            }
        }
        return missing;
    }

    /** Copies exactly {@code length} bytes of the client's stream into {@code out}. */
    private static void copy(InputStream in, int index, long length, FileChannel out) throws IOException {
        byte[] buffer = new byte[(int) Math.min(BUFFER_SIZE, Math.max(1, length))];
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        long copied = 0;
        while (copied < length) {
            int n = readClient(in, index, buffer, (int) Math.min(buffer.length, length - copied));
            if (n < 0) {
                throw new ChunkLengthMismatch(index, length, "the stream ended after " + copied + " bytes");
            }
            wrapped.clear().limit(n);
            while (wrapped.hasRemaining()) {
                out.write(wrapped);
            }
            copied += n;
        }
    }

    /** Reads from the client's stream, telling its failures apart from this store's own. */
    private static int readClient(InputStream in, int index, byte[] buffer, int length) {
        try {
            return in.read(buffer, 0, length);
        } catch (InterruptedIOException e) {
            throw new TransferInterrupted(index, true, e);
        } catch (IOException e) {
            throw new TransferInterrupted(index, false, e);
        }
    }

    /** The size of {@code file}, or -1 when it is not there. */
    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            throw unavailable("read the size of " + file.getFileName(), e);
        }
    }

    private static void deleteLeftover(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // A temporary file is never taken for data; delete() and the next commit remove it.
        }
    }

    /** Closes {@code channel} on the way out of a failure, and returns the failure to throw. */
    private static RuntimeException closing(FileChannel channel, RuntimeException failure) {
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    private static StoreUnavailable unavailable(String action, Exception cause) {
        // The cause (with its server paths) is for the log; the message may reach the client.
        return new StoreUnavailable("The file store could not " + action + "; try again shortly.", cause);
    }
}
