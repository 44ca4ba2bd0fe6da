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
import dev.largeupload.domain.port.BlockStaging;
import dev.largeupload.domain.port.CommittedBlob;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;

/**
 * A {@link BlobStore} on a local or shared POSIX filesystem: the embedded default, for one host or
 * for several hosts that mount the same filesystem with atomic rename and POSIX record locks (a local
 * disk, NFSv4). It writes in place: each upload has one data file in its staging directory, of the
 * file's size, and every block is written at its offset in it (the layout is {@link BlobLayout}'s).
 *
 * <p>It keeps the port's promises this way:
 * <ul>
 *   <li><b>Streaming</b>: a block is copied from its stream through one buffer of at most
 *       {@value #BUFFER_SIZE} bytes with positional writes; a commit moves no bytes, and hashing or reading
 *       a file goes through one buffer of the same size.</li>
 *   <li><b>Durable when asked</b>: {@link BlockStaging#write} writes the block into the page cache;
 *       {@link BlockStaging#makeDurable} forces the data file's data to disk ({@code fdatasync}). The file
 *       is created (its directory synced) and given the upload's size at first use, so no later write
 *       changes its size; the blocks not written yet are holes.</li>
 *   <li><b>Whole blocks only, in place</b>: a block stream that throws midway leaves the bytes read so far
 *       in the block's range and no other block touched. Those bytes count for nothing, because the
 *       domain records a block only after its write returned, and never writes a block it recorded.</li>
 *   <li><b>One writer per block, waiting</b>: {@link #openBlock} takes a lock of this JVM on the block
 *       (one per data file and block, shared by every store instance, held only while in use) and then a
 *       POSIX record lock on the block's byte range, so that stagings of one block on other servers
 *       sharing the directory wait too; a second {@link #openBlock} of an open block returns only when
 *       the first staging is closed. The JVM lock is a permit, so the staging may be made durable and
 *       closed by a thread other than the one that opened it. All region locks of a data file are taken on
 *       one channel per JVM,
 *       since closing any channel of a file drops the process's locks on it. Attempts are not kept apart:
 *       there is one copy of each block, and {@link #commit} ignores the attempts it is given.</li>
 *   <li><b>Atomic, idempotent commit in O(1)</b>: the data file is forced and renamed to the committed
 *       name in one step, so a reader sees no blob or the whole blob and no byte is copied; then the
 *       staging directory is set aside in one rename and removed in the background. Only when the
 *       attributes carry an expected SHA-256 is the file read, once and sequentially, before the rename: a
 *       mismatch is {@link ChecksumMismatch} and nothing is committed. A commit repeated after a success
 *       (or concurrent with one, or after a crash before the clean-up) finds the blob of the planned size
 *       and returns it. A 0-byte file is an empty committed file. The one exception to "no byte copied": an
 *       upload begun by an older version, which kept a file per chunk and attempt, has the chunk files of the
 *       attempts it is given copied into place first (its plan has one block per chunk).</li>
 *   <li><b>Delete</b> removes the committed file and sets the staging directory aside.</li>
 *   <li><b>Errors</b>: domain errors thrown by a block's stream pass through unchanged; a failure of
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

    /**
     * Opens block {@code block} of the data file of {@code blob}, creating and sizing the file at first use,
     * and waits until no other staging of that block, in this JVM or another process, is open.
     */
    @Override
    public BlockStaging openBlock(BlobName blob, ChunkPlan plan, int block, StagingAttempt attempt) {
        long length = plan.blockLength(block);
        long offset = plan.blockOffset(block);
        Path data = layout.data(blob);
        BlockLocks.Held held = BlockLocks.lock(data, block);
        DataFiles.Shared file = null;
        try {
            file = DataFiles.acquire(data, plan.fileSize(), files);
            DataFiles.Shared opened = file;
            FileLock region = withoutPendingInterrupt(() -> opened.channel().lock(offset, length, false));
            return new InPlaceStaging(blob, plan.chunkOf(block), block, offset, length, held, file, region);
        } catch (IOException e) {
            if (file != null) {
                file.retireIfClosed();
                file.release();
            }
            held.unlock();
            throw unavailable("open block " + block + " of " + blob, e);
        } catch (RuntimeException | Error e) {
            if (file != null) {
                file.release();
            }
            held.unlock();
            throw e;
        }
    }

    @Override
    public CommittedBlob commit(BlobName blob, ChunkPlan plan, List<StagingAttempt> attempts, BlobAttributes attributes) {
        if (attempts.size() != plan.blockCount()) {
            throw new IllegalArgumentException(attempts.size() + " staging attempts for " + plan.blockCount() + " blocks");
        }
        try {
            Optional<CommittedBlob> done = committedWithSize(blob, plan.fileSize());
            if (done.isEmpty()) {
                done = Optional.of(withoutPendingInterrupt(() -> renameData(blob, plan, attempts, attributes.sha256())));
            }
            // Also finishes the clean-up of a commit that crashed after its rename, and removes what an older
            // version left: chunk files in the staging directory, or a commit's temporary file beside the blob.
            DataFiles.moveAway(layout.data(blob), () -> discardStaging(blob));
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
            DataFiles.moveAway(layout.data(blob), () -> discardStaging(blob));
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
     * Forces the data file of {@code blob} and renames it to the committed name, after checking its SHA-256 by
     * one sequential read when {@code expectedSha256} is given.
     */
    private CommittedBlob renameData(BlobName blob, ChunkPlan plan, List<StagingAttempt> attempts,
                                     Optional<String> expectedSha256) throws IOException {
        Path data = layout.data(blob);
        boolean older = hasOlderChunks(blob);
        if (plan.fileSize() == 0 || older) {
            // No block was staged in place (or, for an upload an older version began, maybe none): make the file.
            DataFiles.acquire(data, plan.fileSize(), files).release();
        }
        DataFiles.Shared file;
        try {
            file = DataFiles.acquireExisting(data);
        } catch (NoSuchFileException e) {
            // Nothing staged, or a concurrent commit of the same blob renamed it first.
            return committedOrIncomplete(blob, plan);
        }
        try {
            FileChannel channel = file.channel();
            if (channel.size() != plan.fileSize()) {
                return committedOrIncomplete(blob, plan);
            }
            if (older) {
                copyOlderChunks(blob, plan, attempts, channel);
            }
            channel.force(true);
            Optional<String> actual = Optional.empty();
            if (expectedSha256.isPresent()) {
                actual = Optional.of(sha256Of(channel, plan.fileSize()));
                if (!expectedSha256.get().equals(actual.get())) {
                    throw new ChecksumMismatch("The file's SHA-256 is " + actual.get() + ", not the expected "
                            + expectedSha256.get() + "; it was not committed.");
                }
            }
            Files.createDirectories(layout.committedRoot());
            try {
                DataFiles.moveAway(data, () -> files.moveAtomically(data, layout.committed(blob)));
            } catch (NoSuchFileException e) {
                // A concurrent commit of the same blob renamed it first.
                return committedWithSize(blob, plan.fileSize()).orElseThrow(() -> e);
            }
            return new CommittedBlob(plan.fileSize(), actual);
        } catch (IOException e) {
            file.retireIfClosed();
            throw e;
        } finally {
            file.release();
        }
    }

    /** Whether the staging directory of {@code blob} holds chunk files of an older version (one listing). */
    private boolean hasOlderChunks(BlobName blob) throws IOException {
        try (DirectoryStream<Path> chunks = Files.newDirectoryStream(layout.stagingDir(blob), BlobLayout.OLDER_CHUNK_GLOB)) {
            return chunks.iterator().hasNext();
        } catch (NoSuchFileException e) {
            return false;
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
    }

    /**
     * Copies into place, through one buffer, each chunk an older version staged under the attempt given for its
     * block: such an upload's plan has one block per chunk, and those blocks were never written in place (a
     * recorded block is not written again). The only commit that moves bytes, and only for uploads begun before
     * blocks were written in place.
     *
     * @throws Incomplete if a chunk file has not the block's length
     */
    private void copyOlderChunks(BlobName blob, ChunkPlan plan, List<StagingAttempt> attempts, FileChannel out)
            throws IOException {
        if (plan.blocksPerChunk() != 1) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(BUFFER_SIZE, plan.blockSize()));
        for (int block = 0; block < plan.blockCount(); block++) {
            Path chunk = layout.olderChunk(blob, block, attempts.get(block));
            try (FileChannel in = FileChannel.open(chunk, READ)) {
                long length = plan.blockLength(block);
                if (in.size() != length) {
                    throw new Incomplete(List.of(block));
                }
                long offset = plan.blockOffset(block);
                for (long done = 0; done < length; ) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), length - done));
                    int n = in.read(buffer, done);
                    if (n < 0) {
                        throw new Incomplete(List.of(block));
                    }
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        done += out.write(buffer, offset + done);
                    }
                }
            } catch (NoSuchFileException e) {
                // Staged in place by this version.
            }
        }
    }

    private CommittedBlob committedOrIncomplete(BlobName blob, ChunkPlan plan) {
        return committedWithSize(blob, plan.fileSize())
                .orElseThrow(() -> new Incomplete(IntStream.range(0, plan.chunkCount()).boxed().toList()));
    }

    /** The SHA-256 of the first {@code size} bytes of {@code channel}, read once in order through one buffer. */
    private static String sha256Of(FileChannel channel, long size) throws IOException {
        MessageDigest sha256 = Sha256.newDigest();
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(BUFFER_SIZE, Math.max(1, size)));
        long done = 0;
        while (done < size) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), size - done));
            int n = channel.read(buffer, done);
            if (n < 0) {
                throw new IOException("the data file ended after " + done + " of " + size + " bytes");
            }
            done += n;
            buffer.flip();
            sha256.update(buffer);
        }
        return Sha256.of(sha256.digest()).hex();
    }

    private Optional<CommittedBlob> committedWithSize(BlobName blob, long size) {
        long actual = sizeOf(layout.committed(blob));
        return actual == size ? Optional.of(new CommittedBlob(size, Optional.empty())) : Optional.empty();
    }

    /**
     * Copies exactly {@code length} bytes of the client's stream to {@code out} from {@code offset}, one filled piece
     * of at most {@value #PIECE} bytes per positional write.
     */
    private static void copy(InputStream in, int chunk, int block, long offset, long length, FileChannel out)
            throws IOException {
        byte[] piece = takePiece();
        try {
            ByteBuffer wrapped = ByteBuffer.wrap(piece);
            long copied = 0;
            while (copied < length) {
                int filled = fill(in, chunk, block, length, copied, piece, (int) Math.min(PIECE, length - copied));
                wrapped.clear().limit(filled);
                long at = offset + copied;
                while (wrapped.hasRemaining()) {
                    at += out.write(wrapped, at);
                }
                copied += filled;
            }
        } finally {
            giveBackPiece(piece);
        }
    }

    /** Aligned direct buffers of {@value #BUFFER_SIZE} bytes, kept for the next write (at most {@value #KEPT_DIRECT_BUFFERS}). */
    private static final ConcurrentLinkedQueue<ByteBuffer> DIRECT_BUFFERS = new ConcurrentLinkedQueue<>();
    private static final int KEPT_DIRECT_BUFFERS = 32;
    private static final AtomicInteger KEPT = new AtomicInteger();

    /**
     * The heap pieces a client's bytes are read into: below half of G1's smallest region (1 MiB), so never a
     * humongous object, and kept for the next write (at most {@value #KEPT_PIECES}), so a busy server does not
     * allocate per block.
     */
    static final int PIECE = 256 * 1024;
    private static final ConcurrentLinkedQueue<byte[]> PIECES = new ConcurrentLinkedQueue<>();
    private static final int KEPT_PIECES = 32;
    private static final AtomicInteger KEPT_PIECE_COUNT = new AtomicInteger();

    /**
     * Threads that write a filled direct buffer to the disk while the request's thread fills the next one; idle
     * ones end. A write on one of them is never interrupted by a cancelled request (which would close the data
     * file's shared channel).
     */
    private static final ExecutorService DIRECT_WRITERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "upload-block-writer");
        thread.setDaemon(true);
        return thread;
    });

    /** Aligned buffers per block being written past the page cache: one fills while the others go to the disk. */
    static final int DIRECT_DEPTH = 4;

    /**
     * {@link #copy} through the file's {@code O_DIRECT} channel: the client's bytes are gathered, a piece at a time,
     * into an aligned direct buffer of {@value #BUFFER_SIZE} bytes, which goes to the disk in one write on another
     * thread while the next buffer fills ({@value #DIRECT_DEPTH} buffers per block being written, so up to
     * {@value #DIRECT_DEPTH} writes are queued at the disk at once and reading from the client and writing overlap).
     * It returns once every write ended. Only the last block of a file can end off the alignment; its unaligned
     * tail is written through the page cache.
     */
    private static void copyDirect(InputStream in, int chunk, int block, long offset, long length, DataFiles.Shared file)
            throws IOException {
        int alignment = file.directAlignment();
        byte[] piece = takePiece();
        ByteBuffer[] buffers = new ByteBuffer[DIRECT_DEPTH];
        Future<?>[] writes = new Future<?>[DIRECT_DEPTH];
        boolean copiedAll = false;
        try {
            long copied = 0;
            for (int turn = 0; copied < length; turn = (turn + 1) % DIRECT_DEPTH) {
                Future<?> earlier = writes[turn];
                writes[turn] = null;
                awaitWrite(earlier);
                if (buffers[turn] == null) {
                    buffers[turn] = takeDirectBuffer(alignment);
                }
                ByteBuffer filling = buffers[turn];
                int want = (int) Math.min(BUFFER_SIZE, length - copied);
                filling.clear();
                while (filling.position() < want) {
                    int n = fill(in, chunk, block, length, copied + filling.position(), piece,
                            Math.min(PIECE, want - filling.position()));
                    filling.put(piece, 0, n);
                }
                ByteBuffer full = filling.flip();
                long at = offset + copied;
                writes[turn] = DIRECT_WRITERS.submit(() -> {
                    writeDirect(file, full, at);
                    return null;
                });
                copied += want;
            }
            for (int turn = 0; turn < DIRECT_DEPTH; turn++) {
                Future<?> write = writes[turn];
                writes[turn] = null;
                awaitWrite(write);
            }
            copiedAll = true;
        } finally {
            if (!copiedAll) {
                for (Future<?> write : writes) {
                    awaitQuietly(write);
                }
            }
            for (ByteBuffer buffer : buffers) {
                if (buffer != null) {
                    giveBackDirectBuffer(buffer);
                }
            }
            giveBackPiece(piece);
        }
    }

    /** Writes {@code buffer} at {@code at}: its aligned part past the page cache, an unaligned tail through it. */
    private static void writeDirect(DataFiles.Shared file, ByteBuffer buffer, long at) throws IOException {
        int filled = buffer.remaining();
        int aligned = filled - filled % file.directAlignment();
        if (aligned > 0) {
            buffer.limit(aligned);
            while (buffer.hasRemaining()) {
                at += file.direct().write(buffer, at);
            }
            buffer.limit(filled);
        }
        while (buffer.hasRemaining()) {
            at += file.channel().write(buffer, at);
        }
    }

    /** Waits for {@code write} (if any) to end, and throws what it threw. */
    private static void awaitWrite(Future<?> write) throws IOException {
        if (write == null) {
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    write.get();
                    return;
                } catch (InterruptedException e) {
                    // The buffer is still being written: it cannot be reused or given back before the write ends.
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new IOException("a write to the data file failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for {@code write} to end when the copy failed already; what it threw adds nothing. */
    private static void awaitQuietly(Future<?> write) {
        if (write == null) {
            return;
        }
        try {
            awaitWrite(write);
        } catch (IOException | RuntimeException e) {
            // The copy's own failure is the one reported.
        }
    }

    /**
     * Reads exactly {@code want} bytes of the block into {@code piece}; {@code before} of its {@code length} bytes
     * were read already.
     */
    private static int fill(InputStream in, int chunk, int block, long length, long before, byte[] piece, int want) {
        int filled = 0;
        while (filled < want) {
            int n = readClient(in, chunk, piece, filled, want - filled);
            if (n < 0) {
                throw new ChunkLengthMismatch(chunk, length, "block " + block + " ended after " + (before + filled)
                        + " bytes");
            }
            filled += n;
        }
        return filled;
    }

    private static byte[] takePiece() {
        byte[] kept = PIECES.poll();
        if (kept != null) {
            KEPT_PIECE_COUNT.decrementAndGet();
            return kept;
        }
        return new byte[PIECE];
    }

    private static void giveBackPiece(byte[] piece) {
        if (KEPT_PIECE_COUNT.incrementAndGet() <= KEPT_PIECES) {
            PIECES.offer(piece);
        } else {
            KEPT_PIECE_COUNT.decrementAndGet();
        }
    }

    private static ByteBuffer takeDirectBuffer(int alignment) {
        ByteBuffer kept = DIRECT_BUFFERS.poll();
        if (kept != null) {
            KEPT.decrementAndGet();
            return kept;
        }
        ByteBuffer aligned = ByteBuffer.allocateDirect(BUFFER_SIZE + alignment).alignedSlice(alignment);
        return aligned.limit(BUFFER_SIZE).slice();
    }

    private static void giveBackDirectBuffer(ByteBuffer buffer) {
        if (KEPT.incrementAndGet() <= KEPT_DIRECT_BUFFERS) {
            DIRECT_BUFFERS.offer(buffer);
        } else {
            KEPT.decrementAndGet();
        }
    }

    /** Reads from the client's stream, telling its failures apart from this store's own. */
    private static int readClient(InputStream in, int chunk, byte[] buffer, int offset, int length) {
        try {
            return in.read(buffer, offset, length);
        } catch (InterruptedIOException e) {
            throw new TransferInterrupted(chunk, true, e);
        } catch (IOException e) {
            throw new TransferInterrupted(chunk, false, e);
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

    /** An open staging of one block: it holds the block's JVM lock, its region lock and a use of the data file. */
    private static final class InPlaceStaging implements BlockStaging {
        private final BlobName blob;
        private final int chunk;
        private final int block;
        private final long offset;
        private final long length;
        private final BlockLocks.Held held;
        private final DataFiles.Shared file;
        private final FileLock region;
        private boolean written;
        private boolean closed;
        /** This staging's write among the data file's writes, once it completed (see {@link DataFiles.Shared#wrote}). */
        private long writeNumber = Long.MAX_VALUE;

        InPlaceStaging(BlobName blob, int chunk, int block, long offset, long length, BlockLocks.Held held,
                       DataFiles.Shared file, FileLock region) {
            this.blob = blob;
            this.chunk = chunk;
            this.block = block;
            this.offset = offset;
            this.length = length;
            this.held = held;
            this.file = file;
            this.region = region;
        }

        @Override
        public void write(BlockData data) {
            if (closed) {
                throw new IllegalStateException("block " + block + " of " + blob + " is closed");
            }
            if (written) {
                throw new IllegalStateException("block " + block + " of " + blob + " was written already");
            }
            written = true;
            if (data.length() != length) {
                throw new IllegalArgumentException("block " + block + " is " + length + " bytes, not " + data.length());
            }
            try {
                withoutPendingInterrupt(() -> {
                    if (file.direct() != null && offset % file.directAlignment() == 0) {
                        copyDirect(data.data(), chunk, block, offset, length, file);
                    } else {
                        copy(data.data(), chunk, block, offset, length, file.channel());
                    }
                    return null;
                });
                writeNumber = file.wrote();
            } catch (IOException e) {
                file.retireIfClosed();
                throw unavailable("store block " + block + " of " + blob, e);
            }
        }

        @Override
        public void makeDurable() {
            if (!written || closed) {
                throw new IllegalStateException("block " + block + " of " + blob + " is not written, or closed");
            }
            try {
                // The data and what reading it back needs (the file was sized when it was created).
                withoutPendingInterrupt(() -> {
                    file.forceThrough(writeNumber);
                    return null;
                });
            } catch (IOException e) {
                file.retireIfClosed();
                throw unavailable("make block " + block + " of " + blob + " durable", e);
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                withoutPendingInterrupt(() -> {
                    region.release();
                    return null;
                });
            } catch (IOException | RuntimeException e) {
                // A closed channel released its locks already.
            }
            file.release();
            held.unlock();
        }
    }

    /** An operation on a data file's channel. */
    @FunctionalInterface
    private interface ChannelCall<T> {
        T call() throws IOException;
    }

    /**
     * Runs {@code call} with the calling thread's interrupt status cleared, and sets it again afterwards. A file
     * channel is interruptible: an operation begun by an interrupted thread closes it, and a data file's channel
     * is shared by every staging of the upload in this JVM (and holds their region locks), so a thread whose
     * request was cancelled must not take it down for the others. An interrupt that arrives during the call still
     * closes it; the stagings that then fail answer {@link StoreUnavailable}, and the next opening opens it again.
     */
    private static <T> T withoutPendingInterrupt(ChannelCall<T> call) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            return call.call();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
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
