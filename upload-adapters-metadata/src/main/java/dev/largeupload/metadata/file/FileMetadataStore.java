package dev.largeupload.metadata.file;

import dev.largeupload.domain.error.UploadException.ChunkOutOfRange;
import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.port.ChunkReceipt;
import dev.largeupload.domain.port.RecordedChunk;
import dev.largeupload.domain.port.MetadataStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A {@link MetadataStore} in plain files under a root directory, for <b>one host</b>: one server, or
 * several processes on the same machine and local file system. Never on a network file system, and never
 * shared by servers on several hosts (use the Redis or PostgreSQL store for that).
 *
 * <p>Each upload is a directory {@code <root>/<id>/} holding {@code session.properties}, with every field of
 * the session, its received chunks (a bitmap) included, and {@code chunks.records}, one fixed-width record of
 * {@value #RECORD_LENGTH} bytes per chunk at offset {@code index * 64}: the SHA-256 (32 raw bytes), the staging
 * attempt whose bytes it is the digest of (8 bytes, big-endian), a check (the first 8 bytes of the SHA-256 of
 * those 40 bytes) and zeros. A region that is missing, all zeros or fails its check holds no record. As 64
 * divides every disk sector size, a record never straddles two sectors, and a write torn by a crash anyway
 * fails its check instead of pairing one body's digest with another's attempt (the chunk then counts as not
 * staged at commit, and the client sends it again). Versions before staging attempts kept {@code chunks.sha256}
 * instead (32 raw bytes at {@code index * 32}); it is still read, for the chunks it holds and
 * {@code chunks.records} does not, with the legacy attempt. Guarantees, beyond those of the port:
 * <ul>
 *   <li><b>Atomic and durable after return</b>: every change writes a new version of that file to a
 *       temporary file, forces it to disk, renames it over the old one (an atomic replace) and forces the
 *       directory; a crash leaves the old version or the new one, never a mix, and at most a stray
 *       temporary file that readers ignore and {@link #delete} removes. Recording a chunk first writes its
 *       record (digest and attempt, one write) in place and forces it, then replaces the session file: a crash
 *       in between leaves a record of a chunk not recorded, which is ignored, never a recorded chunk without
 *       its digest.</li>
 *   <li><b>Serialised per upload</b>: every change to an upload takes an in-JVM lock (one of
 *       {@value #STRIPES}, chosen by the id, shared by every instance in the JVM) and then an exclusive
 *       {@link java.nio.channels.FileLock} on the matching file {@code <root>/.locks/<stripe>}, which
 *       keeps out other processes on the host. A chunk is therefore recorded before a state change or
 *       refused after it. Reads take no lock (the rename makes every read see one whole version), except
 *       {@link #recordedChunks}, as the records are written in place.</li>
 *   <li>{@link #listExpired}, {@link #listFinished} and {@link #countActive} read every upload's session file:
 *       fine for the thousands of uploads one host keeps, not for millions.</li>
 *   <li>Instants are kept as UTC epoch milliseconds, so sub-millisecond precision is dropped.</li>
 * </ul>
 * Every {@link IOException} becomes {@link StoreUnavailable}.
 */
public final class FileMetadataStore implements MetadataStore {

    static final int STRIPES = 64;
    private static final String SESSION_FILE = "session.properties";
    private static final String RECORDS_FILE = "chunks.records";
    /** The file of versions before staging attempts: 32-byte digests alone. */
    private static final String DIGESTS_FILE = "chunks.sha256";
    static final int RECORD_LENGTH = 64;
    private static final int CHECKED_LENGTH = Sha256.LENGTH + Long.BYTES;
    private static final String TEMP_SUFFIX = ".tmp";
    private static final String LOCKS = ".locks";
    private static final byte[] NO_DIGEST = new byte[Sha256.LENGTH];
    private static final ReentrantLock[] JVM_LOCKS = new ReentrantLock[STRIPES];

    static {
        for (int i = 0; i < STRIPES; i++) {
            JVM_LOCKS[i] = new ReentrantLock();
        }
    }

    private final Path root;

    /**
     * A store in {@code root}, created if missing.
     *
     * @throws StoreUnavailable if the directory cannot be created
     */
    public FileMetadataStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root.resolve(LOCKS));
        } catch (IOException e) {
            throw unavailable("create their directory", e);
        }
    }

    @Override
    public void checkAvailable() {
        for (Path dir : List.of(root, root.resolve(LOCKS))) {
            if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
                throw new StoreUnavailable("The metadata directory " + dir + " is missing or not writable.", null);
            }
        }
    }

    @Override
    public void create(UploadSession session) {
        locked(session.id(), "save upload " + session.id(), directory -> {
            if (Files.exists(directory.resolve(SESSION_FILE))) {
                throw new IllegalStateException("an upload with id " + session.id() + " exists already");
            }
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory);
                forceDirectory(root);
            } else if (Files.deleteIfExists(directory.resolve(RECORDS_FILE)) | Files.deleteIfExists(directory.resolve(DIGESTS_FILE))) {
                // Left by a delete that crashed half-way: those records belong to no chunk of this session.
                forceDirectory(directory);
            }
            write(directory, toProperties(session));
            return null;
        });
    }

    @Override
    public Optional<UploadSession> find(UploadId id) {
        try {
            return read(directory(id)).map(properties -> toSession(id, properties));
        } catch (IOException e) {
            throw unavailable("read upload " + id, e);
        }
    }

    @Override
    public int recordChunk(UploadId id, ChunkReceipt receipt) {
        return locked(id, "record chunk " + receipt.index() + " of upload " + id, directory -> {
            Properties properties = read(directory).orElseThrow(() -> new NotFound(id.value()));
            UploadState state = UploadState.valueOf(properties.getProperty("state"));
            if (state != UploadState.ACTIVE) {
                throw new NotActive("Upload " + id + " is " + state.name().toLowerCase(Locale.ROOT)
                        + " and accepts no more chunks.");
            }
            int chunkCount = Integer.parseInt(properties.getProperty("chunk_count"));
            if (receipt.index() >= chunkCount) {
                throw new ChunkOutOfRange(receipt.index(), chunkCount);
            }
            writeRecord(directory, receipt.index(), receipt.record(), chunkCount);
            BitSet received = received(properties);
            received.set(receipt.index());
            properties.setProperty("received", Base64.getEncoder().encodeToString(received.toByteArray()));
            properties.setProperty("updated_at", Long.toString(receipt.receivedAt().toEpochMilli()));
            properties.setProperty("expires_at", Long.toString(receipt.expiresAt().toEpochMilli()));
            write(directory, properties);
            return received.cardinality();
        });
    }

    @Override
    public BitSet receivedChunks(UploadId id) {
        try {
            return received(read(directory(id)).orElseThrow(() -> new NotFound(id.value())));
        } catch (IOException e) {
            throw unavailable("read the chunks of upload " + id, e);
        }
    }

    @Override
    public SortedMap<Integer, RecordedChunk> recordedChunks(UploadId id) {
        return locked(id, "read the chunk digests of upload " + id, directory -> {
            BitSet received = received(read(directory).orElseThrow(() -> new NotFound(id.value())));
            byte[] records = readIfThere(directory.resolve(RECORDS_FILE));
            byte[] legacy = readIfThere(directory.resolve(DIGESTS_FILE));
            SortedMap<Integer, RecordedChunk> found = new TreeMap<>();
            for (int index = received.nextSetBit(0); index >= 0; index = received.nextSetBit(index + 1)) {
                Optional<RecordedChunk> record = recordAt(records, index);
                if (record.isEmpty() && legacy.length >= (index + 1) * Sha256.LENGTH) {
                    byte[] digest = Arrays.copyOfRange(legacy, index * Sha256.LENGTH, (index + 1) * Sha256.LENGTH);
                    if (!Arrays.equals(digest, NO_DIGEST)) {
                        record = Optional.of(new RecordedChunk(Sha256.of(digest), StagingAttempt.LEGACY));
                    }
                }
                if (record.isPresent()) {
                    found.put(index, record.get());
                }
            }
            return found;
        });
    }

    @Override
    public boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at) {
        return locked(id, "change the state of upload " + id, directory -> {
            Optional<Properties> found = read(directory);
            if (found.isEmpty() || !expected.name().equals(found.get().getProperty("state"))) {
                return false;
            }
            Properties properties = found.get();
            properties.setProperty("state", next.name());
            properties.setProperty("updated_at", Long.toString(at.toEpochMilli()));
            write(directory, properties);
            return true;
        });
    }

    @Override
    public void delete(UploadId id) {
        locked(id, "delete upload " + id, directory -> {
            if (!Files.isDirectory(directory)) {
                return null;
            }
            // The session file first: once it is gone, so is the upload, whatever a crash leaves behind.
            if (Files.deleteIfExists(directory.resolve(SESSION_FILE))) {
                forceDirectory(directory);
            }
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(directory)) {
                for (Path leftover : leftovers) {
                    Files.deleteIfExists(leftover);
                }
            }
            Files.deleteIfExists(directory);
            forceDirectory(root);
            return null;
        });
    }

    @Override
    public List<UploadId> listExpired(Instant now, int limit) {
        return select("list expired uploads", limit,
                upload -> upload.is(UploadState.ACTIVE) && upload.time("expires_at") <= now.toEpochMilli(), "expires_at");
    }

    @Override
    public List<UploadId> listFinished(Instant changedBefore, int limit) {
        return select("list finished uploads", limit,
                upload -> (upload.is(UploadState.EXPIRED) || upload.is(UploadState.ABORTED))
                        && upload.time("updated_at") <= changedBefore.toEpochMilli(), "updated_at");
    }

    @Override
    public int countActive(Instant now) {
        return (int) uploads("count active uploads").stream()
                .filter(upload -> upload.is(UploadState.ACTIVE) && upload.time("expires_at") > now.toEpochMilli())
                .count();
    }

    /** An upload's id and session file, as a scan found them. */
    private record Stored(UploadId id, Properties properties) {

        boolean is(UploadState state) {
            return state.name().equals(properties.getProperty("state"));
        }

        long time(String field) {
            return Long.parseLong(properties.getProperty(field));
        }
    }

    /** Up to {@code limit} ids of the uploads that {@code filter} accepts, oldest {@code timeField} first. */
    private List<UploadId> select(String what, int limit, Predicate<Stored> filter, String timeField) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        return uploads(what).stream().filter(filter)
                .sorted(Comparator.comparingLong(upload -> upload.time(timeField)))
                .limit(limit).map(Stored::id).toList();
    }

    /** Every upload under the root; directories that are not uploads, or hold no session file, are skipped. */
    private List<Stored> uploads(String what) {
        List<Stored> uploads = new ArrayList<>();
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path directory : directories) {
                Optional<UploadId> id = uploadId(directory);
                if (id.isPresent()) {
                    read(directory).ifPresent(properties -> uploads.add(new Stored(id.get(), properties)));
                }
            }
        } catch (IOException e) {
            throw unavailable(what, e);
        } catch (DirectoryIteratorException e) {
            throw unavailable(what, e.getCause());
        }
        return uploads;
    }

    private Path directory(UploadId id) {
        // An UploadId is a canonical UUID, so it cannot name anything outside the root.
        return root.resolve(id.value());
    }

    private static Optional<UploadId> uploadId(Path directory) {
        try {
            return Optional.of(new UploadId(directory.getFileName().toString()));
        } catch (InvalidArgument notAnUpload) {
            return Optional.empty();
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T in(Path directory) throws IOException;
    }

    /** Runs {@code work} on the upload's directory while holding the upload's in-JVM lock and file lock. */
    private <T> T locked(UploadId id, String what, Work<T> work) {
        int stripe = Math.floorMod(id.value().hashCode(), STRIPES);
        ReentrantLock jvmLock = JVM_LOCKS[stripe];
        jvmLock.lock();
        // A channel of its own for each call: an interrupt closes only it, and since the JVM lock
        // admits one thread per lock file, closing it cannot drop a lock another thread holds.
        try (FileChannel lockFile = FileChannel.open(root.resolve(LOCKS).resolve(Integer.toString(stripe)),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            lockFile.lock(); // released when the channel closes
            return work.in(directory(id));
        } catch (IOException e) {
            throw unavailable(what, e);
        } finally {
            jvmLock.unlock();
        }
    }

    private static Optional<Properties> read(Path directory) throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(directory.resolve(SESSION_FILE));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        properties.load(new ByteArrayInputStream(content));
        return Optional.of(properties);
    }

    /**
     * Writes a chunk's record in place, in one write, and forces it to disk (and the directory, when the file
     * is new). A new file is first filled with zeros for every chunk of the plan (at most 3.2 MB), so that later
     * writes overwrite allocated blocks and their force flushes data only, not the file's size and extents.
     */
    private static void writeRecord(Path directory, int index, RecordedChunk record, int chunkCount) throws IOException {
        Path file = directory.resolve(RECORDS_FILE);
        boolean isNew = !Files.exists(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (isNew) {
                writeFully(channel, ByteBuffer.allocate(chunkCount * RECORD_LENGTH), 0);
            }
            writeFully(channel, ByteBuffer.wrap(recordBytes(record)), (long) index * RECORD_LENGTH);
            channel.force(false);
        }
        if (isNew) {
            forceDirectory(directory);
        }
    }

    /** The {@value #RECORD_LENGTH} bytes of {@code record}: digest, attempt, check, zeros. */
    static byte[] recordBytes(RecordedChunk record) {
        ByteBuffer bytes = ByteBuffer.allocate(RECORD_LENGTH).put(record.sha256().bytes()).putLong(record.attempt().value());
        bytes.put(check(bytes.array()), 0, Long.BYTES);
        return bytes.array();
    }

    /** The record of chunk {@code index} in the content of a records file, if it holds a whole one. */
    static Optional<RecordedChunk> recordAt(byte[] records, int index) {
        int from = index * RECORD_LENGTH;
        if (records.length < from + RECORD_LENGTH) {
            return Optional.empty();
        }
        byte[] record = Arrays.copyOfRange(records, from, from + RECORD_LENGTH);
        if (!Arrays.equals(Arrays.copyOfRange(check(record), 0, Long.BYTES),
                Arrays.copyOfRange(record, CHECKED_LENGTH, CHECKED_LENGTH + Long.BYTES))) {
            return Optional.empty(); // all zeros (never written), or torn by a crash
        }
        ByteBuffer buffer = ByteBuffer.wrap(record);
        byte[] digest = new byte[Sha256.LENGTH];
        buffer.get(digest);
        return Optional.of(new RecordedChunk(Sha256.of(digest), new StagingAttempt(buffer.getLong())));
    }

    /** The SHA-256 of the first 40 bytes of a record (digest and attempt). */
    private static byte[] check(byte[] record) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(record, 0, CHECKED_LENGTH);
        return digest.digest();
    }

    private static byte[] readIfThere(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException none) {
            return new byte[0];
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }

    /** Replaces the session file atomically and durably: temporary file, force, rename, force the directory. */
    private static void write(Path directory, Properties properties) throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream(4096);
        properties.store(content, null);
        Path temp = Files.createTempFile(directory, SESSION_FILE + ".", TEMP_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content.toByteArray());
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, directory.resolve(SESSION_FILE), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        forceDirectory(directory);
    }

    /** Makes a directory's entries (a rename, a new or deleted file) durable. */
    private static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Windows cannot open a directory; NTFS journals its metadata instead. Elsewhere it is a real failure.
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
                throw e;
            }
        }
    }

    private static Properties toProperties(UploadSession session) {
        Properties properties = new Properties();
        properties.setProperty("file_name", session.fileName().value());
        properties.setProperty("content_type", session.contentType());
        properties.setProperty("file_size", Long.toString(session.plan().fileSize()));
        properties.setProperty("chunk_size", Long.toString(session.plan().chunkSize()));
        properties.setProperty("chunk_count", Integer.toString(session.plan().chunkCount()));
        properties.setProperty("received", Base64.getEncoder().encodeToString(session.received().toByteArray()));
        properties.setProperty("state", session.state().name());
        properties.setProperty("created_at", Long.toString(session.createdAt().toEpochMilli()));
        properties.setProperty("updated_at", Long.toString(session.updatedAt().toEpochMilli()));
        properties.setProperty("expires_at", Long.toString(session.expiresAt().toEpochMilli()));
        properties.setProperty("token_hash", session.tokenHash());
        session.expectedSha256().ifPresent(sha256 -> properties.setProperty("expected_sha256", sha256));
        return properties;
    }

    private static UploadSession toSession(UploadId id, Properties properties) {
        return UploadSession.restore(id, new FileName(properties.getProperty("file_name")),
                properties.getProperty("content_type"),
                new ChunkPlan(Long.parseLong(properties.getProperty("file_size")),
                        Long.parseLong(properties.getProperty("chunk_size")),
                        Integer.parseInt(properties.getProperty("chunk_count"))),
                received(properties), UploadState.valueOf(properties.getProperty("state")),
                instant(properties, "created_at"), instant(properties, "updated_at"), instant(properties, "expires_at"),
                properties.getProperty("token_hash"), Optional.ofNullable(properties.getProperty("expected_sha256")));
    }

    private static BitSet received(Properties properties) {
        return BitSet.valueOf(Base64.getDecoder().decode(properties.getProperty("received", "")));
    }

    private static Instant instant(Properties properties, String name) {
        return Instant.ofEpochMilli(Long.parseLong(properties.getProperty(name)));
    }

    private static StoreUnavailable unavailable(String what, IOException e) {
        // An interrupted thread must keep its interrupt, whatever form the file system reported it in.
        if (e instanceof ClosedByInterruptException || e instanceof FileLockInterruptionException
                || e instanceof InterruptedIOException) {
            Thread.currentThread().interrupt();
        }
        // The message names no path: it may reach a client.
        return new StoreUnavailable("The metadata files could not " + what + "; try again shortly.", e);
    }
}
