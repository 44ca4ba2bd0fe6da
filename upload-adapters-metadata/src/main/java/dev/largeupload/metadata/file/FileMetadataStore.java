package dev.largeupload.metadata.file;

import dev.largeupload.domain.error.UploadException.ChunkOutOfRange;
import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.port.ChunkReceipt;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link MetadataStore} in plain files under a root directory, for <b>one host</b>: one server, or
 * several processes on the same machine and local file system. Never on a network file system, and never
 * shared by servers on several hosts (use the Redis or PostgreSQL store for that).
 *
 * <p>Each upload is a directory {@code <root>/<id>/} holding one file, {@code session.properties}, with
 * every field of the session, its received chunks (a bitmap) included. Guarantees, beyond those of the port:
 * <ul>
 *   <li><b>Atomic and durable after return</b>: every change writes a new version of that file to a
 *       temporary file, forces it to disk, renames it over the old one (an atomic replace) and forces the
 *       directory; a crash leaves the old version or the new one, never a mix, and at most a stray
 *       temporary file that readers ignore and {@link #delete} removes.</li>
 *   <li><b>Serialised per upload</b>: every change to an upload takes an in-JVM lock (one of
 *       {@value #STRIPES}, chosen by the id, shared by every instance in the JVM) and then an exclusive
 *       {@link java.nio.channels.FileLock} on the matching file {@code <root>/.locks/<stripe>}, which
 *       keeps out other processes on the host. A chunk is therefore recorded before a state change or
 *       refused after it. Reads take no lock: the rename makes every read see one whole version.</li>
 *   <li>{@link #listExpired} reads every upload's file: fine for the thousands of uploads one host keeps,
 *       not for millions.</li>
 *   <li>Instants are kept as UTC epoch milliseconds, so sub-millisecond precision is dropped.</li>
 * </ul>
 * Every {@link IOException} becomes {@link StoreUnavailable}.
 */
public final class FileMetadataStore implements MetadataStore {

    static final int STRIPES = 64;
    private static final String SESSION_FILE = "session.properties";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final String LOCKS = ".locks";
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
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        record Expiring(UploadId id, long expiresAt) { }
        List<Expiring> expired = new ArrayList<>();
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path directory : directories) {
                Optional<UploadId> id = uploadId(directory);
                Optional<Properties> properties = id.isPresent() ? read(directory) : Optional.empty();
                if (properties.isPresent() && UploadState.ACTIVE.name().equals(properties.get().getProperty("state"))) {
                    long expiresAt = Long.parseLong(properties.get().getProperty("expires_at"));
                    if (expiresAt <= now.toEpochMilli()) {
                        expired.add(new Expiring(id.get(), expiresAt));
                    }
                }
            }
        } catch (IOException e) {
            throw unavailable("list expired uploads", e);
        } catch (DirectoryIteratorException e) {
            throw unavailable("list expired uploads", e.getCause());
        }
        return expired.stream().sorted(Comparator.comparingLong(Expiring::expiresAt)).limit(limit)
                .map(Expiring::id).toList();
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
