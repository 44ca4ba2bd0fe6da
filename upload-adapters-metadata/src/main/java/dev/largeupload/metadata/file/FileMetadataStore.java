package dev.largeupload.metadata.file;

import static dev.largeupload.metadata.file.SessionFiles.SESSION_FILE;
import static dev.largeupload.metadata.file.SessionFiles.forceDirectory;
import static dev.largeupload.metadata.file.SessionFiles.read;
import static dev.largeupload.metadata.file.SessionFiles.received;
import static dev.largeupload.metadata.file.SessionFiles.write;

import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.port.Admission;
import dev.largeupload.domain.port.AppendState;
import dev.largeupload.domain.port.ListPosition;
import dev.largeupload.domain.port.OwnerQuota;
import dev.largeupload.domain.port.OwnerUsage;
import dev.largeupload.domain.port.BlockReceipt;
import dev.largeupload.domain.port.EventOutbox;
import dev.largeupload.domain.port.RecordedBlock;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.metadata.common.SessionField;
import dev.largeupload.metadata.common.StoreCalls;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;

/**
 * A {@link MetadataStore} in plain files under a root directory, for <b>one host</b>: one server, or
 * several processes on the same machine and local file system. Never on a network file system, and never
 * shared by servers on several hosts (use the Redis or PostgreSQL store for that).
 *
 * <p>Each upload is a directory {@code <root>/<id>/} holding {@code session.properties}, with every field of
 * the session, its plan's block size and its received blocks (a bitmap) included ({@link SessionFiles}), and
 * {@code chunks.records}, one fixed-width, checked record per block (the name is from before blocks, when a block
 * was a chunk): its SHA-256 and the staging attempt whose bytes it is the digest of ({@link ChunkRecords}).
 * Guarantees, beyond those of the port:
 * <ul>
 *   <li><b>Atomic and durable after return</b>: every change writes a new version of that file to a
 *       temporary file, forces it to disk, renames it over the old one (an atomic replace) and forces the
 *       directory; a crash leaves the old version or the new one, never a mix, and at most a stray
 *       temporary file that readers ignore and {@link #delete} removes. Recording a block first writes its
 *       record (digest and attempt, one write) in place and forces it, then replaces the session file: a crash
 *       in between leaves a record of a block not recorded, which is ignored, never a recorded block without
 *       its digest.</li>
 *   <li><b>Serialised per upload</b>: every change to an upload takes an in-JVM lock (one of
 *       {@value UploadLocks#STRIPES}, chosen by the id, shared by every instance in the JVM) and then an exclusive
 *       {@link java.nio.channels.FileLock} on the matching file {@code <root>/.locks/<stripe>}, which
 *       keeps out other processes on the host ({@link UploadLocks}). A block is therefore recorded before a state
 *       change or refused after it. Reads take no lock (the rename makes every read see one whole version), except
 *       {@link #recordedBlocks}, as the records are written in place.</li>
 *   <li><b>Exact cap</b>: {@link #createWithinLimit} holds the admission lock ({@code <root>/.locks/admission}, in
 *       the JVM and on the host) while it counts the active uploads and creates the new one.</li>
 *   <li>{@link #listExpired}, {@link #listFinished}, {@link #countActive} and {@link #createWithinLimit} read every
 *       upload's session file ({@link UploadScan}): fine for the thousands of uploads one host keeps, not for
 *       millions. So does {@link #listNewestFirst} of every upload (an administrator's list).</li>
 *   <li><b>By owner</b>: an owner's uploads are listed from {@link OwnerIndex} ({@code <root>/.owners/…}), which
 *       {@link #listNewestFirst} and {@link #createWithinQuota} (under the admission lock) read without touching
 *       other owners' uploads.</li>
 *   <li><b>Outbox</b>: the event-writing methods write the event (pending, forced) under the upload's lock, replace
 *       the session file, which counts it and is the commit point of both, then make it an event
 *       ({@link FileEventOutbox}, {@code <root>/.outbox/}), all before they return.</li>
 *   <li>Instants are kept as UTC epoch milliseconds, so sub-millisecond precision is dropped.</li>
 * </ul>
 * Every {@link IOException} becomes {@link StoreUnavailable}.
 */
public final class FileMetadataStore implements MetadataStore {

    /** The properties of the session file that hold the upload's {@link AppendState}, beside the session's fields. */
    private static final String APPEND_REVISION = "append_revision";
    private static final String APPEND_STATE = "append_state";

    private final Path root;
    private final UploadLocks locks;
    private final UploadScan scan;
    private final FileEventOutbox outbox;
    private final OwnerIndex owners;

    /**
     * A store in {@code root}, created if missing.
     *
     * @throws StoreUnavailable if the directory cannot be created
     */
    public FileMetadataStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            this.locks = new UploadLocks(this.root);
            this.outbox = new FileEventOutbox(this.root, locks);
        } catch (IOException e) {
            throw unavailable("create their directory", e);
        }
        this.scan = new UploadScan(this.root);
        this.owners = new OwnerIndex(this.root);
    }

    @Override
    public void checkAvailable() {
        for (Path dir : List.of(root, locks.directory())) {
            if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
                throw new StoreUnavailable("The metadata directory " + dir + " is missing or not writable.", null);
            }
        }
    }

    @Override
    public void create(UploadSession session) {
        create(session, Optional.empty());
    }

    @Override
    public void create(UploadSession session, UploadEvent event) {
        create(session, Optional.of(event));
    }

    private void create(UploadSession session, Optional<UploadEvent> event) {
        locked(session.id(), "save upload " + session.id(), directory -> {
            if (Files.exists(directory.resolve(SESSION_FILE))) {
                throw new IllegalStateException("an upload with id " + session.id() + " exists already");
            }
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory);
                forceDirectory(root);
            } else if (ChunkRecords.deleteIfThere(directory)) {
                // Left by a delete that crashed half-way: those records belong to no block of this session.
                forceDirectory(directory);
            }
            if (session.owner().isPresent()) {
                // The marker first: a crash before the session file leaves a marker that readers skip.
                owners.add(session.owner().get(), session.createdAt(), session.id());
            }
            writeWithEvent(directory, SessionFiles.toProperties(session), event);
            return null;
        });
    }

    /** Writes the session file, and {@code event} with it ({@link FileEventOutbox}: pending, the session, committed). */
    private void writeWithEvent(Path directory, Properties properties, Optional<UploadEvent> event) throws IOException {
        if (event.isEmpty()) {
            write(directory, properties);
            return;
        }
        Path pending = outbox.prepare(properties, event.get());
        try {
            write(directory, properties);
        } catch (IOException | RuntimeException e) {
            outbox.discard(pending);
            throw e;
        }
        outbox.commit(pending);
    }

    @Override
    public EventOutbox outbox() {
        return outbox;
    }

    @Override
    public Admission createWithinQuota(UploadSession session, OwnerQuota quota, int maxActive, Instant now) {
        return createWithinQuota(session, quota, maxActive, now, Optional.empty());
    }

    @Override
    public Admission createWithinQuota(UploadSession session, OwnerQuota quota, int maxActive, Instant now, UploadEvent event) {
        return createWithinQuota(session, quota, maxActive, now, Optional.of(event));
    }

    private Admission createWithinQuota(UploadSession session, OwnerQuota quota, int maxActive, Instant now,
                                        Optional<UploadEvent> event) {
        String owner = StoreCalls.requireOwner(session, maxActive);
        try {
            return locks.admission(() -> {
                if (Files.exists(directory(session.id()).resolve(SESSION_FILE))) {
                    throw new IllegalStateException("an upload with id " + session.id() + " exists already");
                }
                Admission admission = Admission.decide(usage(owner, now), session.plan().fileSize(), quota,
                        maxActive > 0 ? scan.countActive(now) : 0, maxActive);
                if (admission.created()) {
                    create(session, event);
                }
                return admission;
            });
        } catch (IOException e) {
            throw unavailable("save upload " + session.id(), e);
        }
    }

    @Override
    public OwnerUsage usageOf(String owner, Instant now) {
        try {
            return usage(owner, now);
        } catch (IOException e) {
            throw unavailable("count the uploads of an owner", e);
        }
    }

    private OwnerUsage usage(String owner, Instant now) throws IOException {
        OwnerUsage usage = OwnerUsage.NONE;
        for (OwnerIndex.Entry entry : owners.newestFirst(owner, Optional.empty())) {
            Optional<UploadSession> session = read(directory(entry.id())).map(p -> SessionFiles.toSession(entry.id(), p));
            if (session.isPresent() && session.get().state() == UploadState.ACTIVE
                    && session.get().expiresAt().isAfter(now) && session.get().owner().filter(owner::equals).isPresent()) {
                usage = usage.plus(session.get().plan().fileSize());
            }
        }
        return usage;
    }

    @Override
    public List<UploadSession> listNewestFirst(Optional<String> owner, Optional<ListPosition> after, int limit) {
        StoreCalls.requirePage(limit);
        try {
            if (owner.isEmpty()) {
                return scan.sessions().stream().filter(s -> after.isEmpty() || after.get().isBefore(s))
                        .sorted(ListPosition.NEWEST_FIRST).limit(limit).toList();
            }
            List<UploadSession> sessions = new ArrayList<>();
            for (OwnerIndex.Entry entry : owners.newestFirst(owner.get(), after)) {
                read(directory(entry.id())).map(p -> SessionFiles.toSession(entry.id(), p))
                        .filter(s -> s.owner().equals(owner))
                        .ifPresent(sessions::add);
                if (sessions.size() == limit) {
                    break;
                }
            }
            return sessions;
        } catch (IOException e) {
            throw unavailable("list uploads", e);
        }
    }

    @Override
    public boolean createWithinLimit(UploadSession session, int limit, Instant now) {
        return createWithinLimit(session, limit, now, Optional.empty());
    }

    @Override
    public boolean createWithinLimit(UploadSession session, int limit, Instant now, UploadEvent event) {
        return createWithinLimit(session, limit, now, Optional.of(event));
    }

    private boolean createWithinLimit(UploadSession session, int limit, Instant now, Optional<UploadEvent> event) {
        StoreCalls.requireRoom(limit);
        try {
            return locks.admission(() -> {
                if (Files.exists(directory(session.id()).resolve(SESSION_FILE))) {
                    throw new IllegalStateException("an upload with id " + session.id() + " exists already");
                }
                if (scan.countActive(now) >= limit) {
                    return false;
                }
                create(session, event);
                return true;
            });
        } catch (IOException e) {
            throw unavailable("save upload " + session.id(), e);
        }
    }

    @Override
    public Optional<UploadSession> find(UploadId id) {
        try {
            return read(directory(id)).map(properties -> SessionFiles.toSession(id, properties));
        } catch (IOException e) {
            throw unavailable("read upload " + id, e);
        }
    }

    @Override
    public int recordBlock(UploadId id, BlockReceipt receipt) {
        return locked(id, "record block " + receipt.index() + " of upload " + id, directory -> {
            Properties properties = read(directory).orElseThrow(() -> new NotFound(id.value()));
            UploadState state = UploadState.valueOf(properties.getProperty("state"));
            if (state != UploadState.ACTIVE) {
                throw new NotActive("Upload " + id + " is " + state.name().toLowerCase(Locale.ROOT)
                        + " and accepts no more chunks.");
            }
            int blockCount = SessionFiles.plan(properties).blockCount();
            if (receipt.index() >= blockCount) {
                // The caller checked the index against the plan: this is a bug, and the bitmap must not grow.
                throw new IllegalArgumentException("block " + receipt.index() + " is outside a plan of " + blockCount
                        + " blocks");
            }
            ChunkRecords.write(directory, receipt.index(), receipt.record(), blockCount);
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
    public BitSet receivedBlocks(UploadId id) {
        try {
            return received(read(directory(id)).orElseThrow(() -> new NotFound(id.value())));
        } catch (IOException e) {
            throw unavailable("read the blocks of upload " + id, e);
        }
    }

    /** Reads the session file, without a lock, like {@link #receivedBlocks}: the rename makes it one whole version. */
    @Override
    public boolean hasBlock(UploadId id, int index) {
        StoreCalls.requireBlockIndex(index);
        try {
            return received(read(directory(id)).orElseThrow(() -> new NotFound(id.value()))).get(index);
        } catch (IOException e) {
            throw unavailable("read block " + index + " of upload " + id, e);
        }
    }

    @Override
    public SortedMap<Integer, RecordedBlock> recordedBlocks(UploadId id) {
        return locked(id, "read the block digests of upload " + id, directory -> ChunkRecords.read(directory,
                received(read(directory).orElseThrow(() -> new NotFound(id.value())))));
    }

    @Override
    public boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at) {
        return compareAndSetState(id, expected, next, at, Optional.empty());
    }

    @Override
    public boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at, UploadEvent event) {
        return compareAndSetState(id, expected, next, at, Optional.of(event));
    }

    private boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at,
                                       Optional<UploadEvent> event) {
        return locked(id, "change the state of upload " + id, directory -> {
            Optional<Properties> found = read(directory);
            if (found.isEmpty() || !expected.name().equals(found.get().getProperty(SessionField.STATE.key()))) {
                return false;
            }
            Properties properties = found.get();
            properties.setProperty(SessionField.STATE.key(), next.name());
            properties.setProperty(SessionField.UPDATED_AT.key(), Long.toString(at.toEpochMilli()));
            writeWithEvent(directory, properties, event);
            return true;
        });
    }

    @Override
    public Optional<AppendState> appendState(UploadId id) {
        Properties properties;
        try {
            properties = read(directory(id)).orElseThrow(() -> new NotFound(id.value()));
        } catch (IOException e) {
            throw unavailable("read the append state of upload " + id, e);
        }
        String revision = properties.getProperty(APPEND_REVISION);
        String state = properties.getProperty(APPEND_STATE);
        return revision == null || state == null ? Optional.empty()
                : Optional.of(AppendState.decode(Long.parseLong(revision), state));
    }

    @Override
    public boolean replaceAppendState(UploadId id, long expectedRevision, AppendState next) {
        if (next.revision() != expectedRevision + 1) {
            throw new IllegalArgumentException("revision " + next.revision() + " does not follow " + expectedRevision);
        }
        return locked(id, "save the append state of upload " + id, directory -> {
            Properties properties = read(directory).orElseThrow(() -> new NotFound(id.value()));
            if (Long.parseLong(properties.getProperty(APPEND_REVISION, "0")) != expectedRevision) {
                return false;
            }
            properties.setProperty(APPEND_REVISION, Long.toString(next.revision()));
            properties.setProperty(APPEND_STATE, next.encode());
            write(directory, properties);
            return true;
        });
    }

    @Override
    public boolean declareLength(UploadId id, ChunkPlan declared) {
        return locked(id, "declare the length of upload " + id, directory -> {
            Properties properties = read(directory).orElseThrow(() -> new NotFound(id.value()));
            if (!UploadState.ACTIVE.name().equals(properties.getProperty(SessionField.STATE.key()))
                    || !"1".equals(properties.getProperty(SessionField.LENGTH_DEFERRED.key()))
                    || !Long.toString(declared.blockSize()).equals(properties.getProperty(SessionField.BLOCK_SIZE.key()))) {
                return false;
            }
            properties.setProperty(SessionField.FILE_SIZE.key(), Long.toString(declared.fileSize()));
            properties.setProperty(SessionField.CHUNK_COUNT.key(), Integer.toString(declared.chunkCount()));
            properties.remove(SessionField.LENGTH_DEFERRED.key());
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
            Optional<UploadSession> session = read(directory).map(p -> SessionFiles.toSession(id, p));
            // The session file first: once it is gone, so is the upload, whatever a crash leaves behind.
            if (Files.deleteIfExists(directory.resolve(SESSION_FILE))) {
                forceDirectory(directory);
            }
            if (session.isPresent() && session.get().owner().isPresent()) {
                owners.remove(session.get().owner().get(), session.get().createdAt(), id);
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
        if (!StoreCalls.wantsAny(limit)) {
            return List.of();
        }
        try {
            return scan.select(limit, upload -> upload.is(UploadState.ACTIVE)
                    && upload.time(SessionField.EXPIRES_AT) <= now.toEpochMilli(), SessionField.EXPIRES_AT);
        } catch (IOException e) {
            throw unavailable("list expired uploads", e);
        }
    }

    @Override
    public List<UploadId> listFinished(Instant changedBefore, int limit) {
        if (!StoreCalls.wantsAny(limit)) {
            return List.of();
        }
        try {
            return scan.select(limit, upload -> (upload.is(UploadState.EXPIRED) || upload.is(UploadState.ABORTED))
                    && upload.time(SessionField.UPDATED_AT) <= changedBefore.toEpochMilli(), SessionField.UPDATED_AT);
        } catch (IOException e) {
            throw unavailable("list finished uploads", e);
        }
    }

    @Override
    public int countActive(Instant now) {
        try {
            return scan.countActive(now);
        } catch (IOException e) {
            throw unavailable("count active uploads", e);
        }
    }

    private Path directory(UploadId id) {
        // An UploadId is a canonical UUID, so it cannot name anything outside the root.
        return root.resolve(id.value());
    }

    @FunctionalInterface
    private interface Work<T> {
        T in(Path directory) throws IOException;
    }

    /** Runs {@code work} on the upload's directory while holding the upload's in-JVM lock and file lock. */
    private <T> T locked(UploadId id, String what, Work<T> work) {
        try {
            return locks.stripe(id.value(), () -> work.in(directory(id)));
        } catch (IOException e) {
            throw unavailable(what, e);
        }
    }

    private static StoreUnavailable unavailable(String what, IOException e) {
        // The message names no path: it may reach a client.
        return StoreCalls.unavailable("metadata files", what, "", e);
    }
}
