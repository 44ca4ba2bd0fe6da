package dev.largeupload.domain.service;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.ChunkLengthMismatch;
import dev.largeupload.domain.error.UploadException.Expired;
import dev.largeupload.domain.error.UploadException.Forbidden;
import dev.largeupload.domain.error.UploadException.Incomplete;
import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.InvalidArgument.Field;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.OffsetMismatch;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.error.UploadException.TooLarge;
import dev.largeupload.domain.error.UploadException.TooManyUploads;
import dev.largeupload.domain.error.UploadException.TransferUnavailable;
import dev.largeupload.domain.error.UploadException.WrongTransfer;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.BlockId;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.Concatenation;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.TransferMode;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.model.UploadToken;
import dev.largeupload.domain.port.AppendState;
import dev.largeupload.domain.port.BlobAttributes;
import dev.largeupload.domain.port.BlobStore;
import dev.largeupload.domain.port.BlockData;
import dev.largeupload.domain.port.BlockStaging;
import dev.largeupload.domain.port.BlockReceipt;
import dev.largeupload.domain.port.CommittedBlob;
import dev.largeupload.domain.port.DirectTransfers;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.port.RecordedBlock;
import dev.largeupload.domain.service.Results.ChunkAccepted;
import dev.largeupload.domain.service.Results.Completed;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.usecase.AbortUploadCommand;
import dev.largeupload.domain.usecase.AbortUploadUseCase;
import dev.largeupload.domain.usecase.AcceptChunkCommand;
import dev.largeupload.domain.usecase.AcceptChunkUseCase;
import dev.largeupload.domain.usecase.ChunkRange;
import dev.largeupload.domain.usecase.CompleteUploadCommand;
import dev.largeupload.domain.usecase.CompleteUploadUseCase;
import dev.largeupload.domain.usecase.DownloadUseCase;
import dev.largeupload.domain.usecase.ExpireUploadsUseCase;
import dev.largeupload.domain.usecase.InitiateUploadUseCase;
import dev.largeupload.domain.usecase.ResumeUploadUseCase;
import dev.largeupload.domain.usecase.UploadStatusUseCase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The use cases of an upload: initiate, accept a chunk, complete, status, resume, abort, expire
 * and download. It validates every value that enters the domain, checks the upload token, and
 * orders the calls to the two stores so that no failure leaves a wrong state behind:
 * a chunk is recorded only after it was staged whole; a commit happens only after every chunk is
 * recorded and the state moved to {@code COMPLETING} by compare-and-set, so one caller commits.
 *
 * <p>Every chunk request stages its body under a fresh {@link StagingAttempt} and records the digest
 * together with that attempt; the commit takes the recorded attempt of each chunk. So when one index is
 * sent several times at once, on one server or several, whichever record comes last names both the
 * digest and the bytes committed: the composite digest checked at completion is always that of the
 * bytes in the file. It implements every use-case interface of {@code dev.largeupload.domain.usecase}.
 * Thread-safe; the only state it keeps is a bounded memory of whole-file digests
 * already verified, which spares a repeated {@code complete} a second read of the file.
 */
public final class UploadService implements InitiateUploadUseCase, AcceptChunkUseCase, CompleteUploadUseCase,
        UploadStatusUseCase, ResumeUploadUseCase, AbortUploadUseCase, DownloadUseCase, ExpireUploadsUseCase {

    private static final Logger LOG = Logger.getLogger(UploadService.class.getName());
    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
                    + "(\\s*;\\s*[A-Za-z0-9!#$&^_.+-]+=(\"[^\"\\p{Cntrl}]*\"|[A-Za-z0-9!#$&^_.+-]+))*");
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
    /** Bytes read at a time when a committed file is hashed again. */
    private static final int READ_BUFFER = 1 << 20;
    /** Threads that make blocks durable and record them: at most one busy per request streaming in, idle ones end. */
    private static final Executor DURABILITY = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "upload-block-recorder");
        thread.setDaemon(true);
        return thread;
    });
    /** Whole-file digests remembered at most; one is about 200 bytes. */
    private static final int REMEMBERED_FILES = 10_000;

    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final UploadPolicy policy;
    private final Clock clock;
    private final VerifiedFiles verifiedFiles = new VerifiedFiles(REMEMBERED_FILES);
    private final Executor durability;
    private final UploadHooks hooks;
    private final Optional<DirectTransfers> direct;

    /** A service that makes blocks durable and records them on threads of its own (see {@link BlockRecorder}). */
    public UploadService(MetadataStore metadata, BlobStore blobs, UploadPolicy policy, Clock clock) {
        this(metadata, blobs, policy, clock, DURABILITY, Optional.empty());
    }

    /**
     * A service that also offers direct transfers when {@code direct} is given: the blob store's capability to let
     * clients stage blocks themselves, whose staged-block list is the record of a direct upload's blocks.
     */
    public UploadService(MetadataStore metadata, BlobStore blobs, UploadPolicy policy, Clock clock,
                         Optional<DirectTransfers> direct) {
        this(metadata, blobs, policy, clock, DURABILITY, direct);
    }

    /** A service with direct transfers when {@code direct} is given, and {@code hooks}, recording blocks on threads of its own. */
    public UploadService(MetadataStore metadata, BlobStore blobs, UploadPolicy policy, Clock clock,
                         Optional<DirectTransfers> direct, UploadHooks hooks) {
        this(metadata, blobs, policy, clock, DURABILITY, direct, hooks);
    }

    /** As {@link #UploadService(MetadataStore, BlobStore, UploadPolicy, Clock, Executor, Optional, UploadHooks)} with proxy transfers only and no hooks. */
    public UploadService(MetadataStore metadata, BlobStore blobs, UploadPolicy policy, Clock clock, Executor durability) {
        this(metadata, blobs, policy, clock, durability, Optional.empty(), UploadHooks.NONE);
    }

    /** With proxy transfers only. */
    public UploadService(MetadataStore metadata, BlobStore blobs, UploadPolicy policy, Clock clock, Executor durability,
                         UploadHooks hooks) {
        this(metadata, blobs, policy, clock, durability, Optional.empty(), hooks);
    }

    /** Without hooks. */
    public UploadService(MetadataStore metadata, BlobStore blobs, UploadPolicy policy, Clock clock, Executor durability,
                         Optional<DirectTransfers> direct) {
        this(metadata, blobs, policy, clock, durability, direct, UploadHooks.NONE);
    }

    /** A service with {@code hooks} (see the constructor below) that records blocks on threads of its own. */
    public UploadService(MetadataStore metadata, BlobStore blobs, UploadPolicy policy, Clock clock, UploadHooks hooks) {
        this(metadata, blobs, policy, clock, DURABILITY, hooks);
    }

    /**
     * @param durability where each request's blocks are made durable and recorded, in order, while the request
     *                   reads on; it must run tasks on threads other than the caller's
     * @param direct     the blob store's {@link DirectTransfers}, when it offers them
     * @param hooks      whether each creation, completion, abort and expiry also writes its {@link UploadEvent} to the
     *                   metadata store's outbox, in the same atomic step, and what is asked before each creation
     */
    public UploadService(MetadataStore metadata, BlobStore blobs, UploadPolicy policy, Clock clock, Executor durability,
                         Optional<DirectTransfers> direct, UploadHooks hooks) {
        this.hooks = Objects.requireNonNull(hooks, "hooks");
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.durability = Objects.requireNonNull(durability, "durability");
        this.direct = Objects.requireNonNull(direct, "direct");
    }

    public UploadPolicy policy() {
        return policy;
    }

    /** The transfer modes this server offers: always proxy; direct when the blob store can grant staging. */
    public List<TransferMode> transferModes() {
        return direct.isPresent() ? List.of(TransferMode.PROXY, TransferMode.DIRECT) : List.of(TransferMode.PROXY);
    }

    /** Starts an upload: validates the request, plans the chunks, issues the token. */
    public Initiated initiate(InitiateRequest request) {
        return initiate(request, UploadId.random(), UploadToken.issue());
    }

    /**
     * {@link #initiate(InitiateRequest)} under an id and token the caller chose (a concatenation derives both from
     * its parts, so that asking for it again finds it).
     *
     * @throws IllegalStateException if an upload with that id exists
     */
    public Initiated initiate(InitiateRequest request, UploadId id, String token) {
        FileName fileName = FileName.sanitize(request.fileName());
        long fileSize = request.lengthDeferred() ? policy.maxFileSize() : request.fileSize();
        if (fileSize < 0) {
            throw new InvalidArgument(Field.FILE_SIZE, "The file size must be 0 or more bytes; got " + fileSize + ".");
        }
        if (fileSize > policy.maxFileSize()) {
            throw new TooLarge("A file", fileSize, policy.maxFileSize());
        }
        long chunkSize = request.chunkSize().orElse(policy.defaultChunkSize());
        if (chunkSize > policy.maxChunkSize()) {
            throw new InvalidArgument(Field.CHUNK_SIZE, "chunk_size may be at most " + policy.maxChunkSize()
                    + " bytes on this server; got " + chunkSize + ".");
        }
        ChunkPlan plan = ChunkPlan.of(fileSize, chunkSize, policy.minBlockSize());
        if (plan.chunkSize() > policy.maxChunkSize()) {
            // 50,000 chunks of the largest size allowed here are not enough for this file.
            throw new TooLarge("A file", fileSize, ChunkPlan.MAX_BLOCKS * policy.maxChunkSize());
        }
        String contentType = request.contentType().map(String::strip).filter(s -> !s.isEmpty()).orElse(DEFAULT_CONTENT_TYPE);
        if (contentType.length() > 255 || !MEDIA_TYPE.matcher(contentType).matches()) {
            throw new InvalidArgument(Field.CONTENT_TYPE, "'" + abbreviate(contentType) + "' is not a media type such as application/zip.");
        }
        Optional<String> sha256 = request.sha256().map(s -> Sha256.fromHex(s, "sha256").hex());
        Instant now = clock.instant();
        UploadSession session = UploadSession.start(id, fileName, contentType, plan,
                UploadToken.hash(token), sha256, now, now.plus(policy.uploadTtl()));
        if (request.lengthDeferred()) {
            session = session.withLengthDeferred();
        }
        if (request.transfer() == TransferMode.DIRECT) {
            if (direct.isEmpty()) {
                throw new TransferUnavailable("This server offers no direct transfer: its blob store cannot grant"
                        + " clients the staging of blocks (GET /api/config lists transfer_modes); use \"proxy\".");
            }
            if (request.lengthDeferred()) {
                throw new TransferUnavailable("A direct transfer needs the file's length from the start.");
            }
            session = session.withTransfer(TransferMode.DIRECT);
        }
        hooks.preCreate().check(session);
        if (!save(session, now)) {
            throw new TooManyUploads(policy.maxActiveUploads());
        }
        return new Initiated(session, token);
    }

    /** Saves a new session within the policy's limit, with its {@code upload.created} event when events are recorded. */
    private boolean save(UploadSession session, Instant now) {
        if (!hooks.recordEvents()) {
            if (policy.maxActiveUploads() == 0) {
                metadata.create(session);
                return true;
            }
            return metadata.createWithinLimit(session, policy.maxActiveUploads(), now);
        }
        UploadEvent created = UploadEvent.of(UploadEvent.Type.CREATED, session, now, session.expectedSha256(),
                Optional.empty());
        if (policy.maxActiveUploads() == 0) {
            metadata.create(session, created);
            return true;
        }
        return metadata.createWithinLimit(session, policy.maxActiveUploads(), now, created);
    }

    /**
     * Changes the state of {@code session} from {@code expected} to {@code next} by compare-and-set, with the event of
     * that change (completed, aborted, expired) when events are recorded and the change is one an event tells of.
     */
    boolean changeState(UploadSession session, UploadState expected, UploadState next, Instant at,
                        Optional<String> sha256, Optional<String> compositeSha256) {
        Optional<UploadEvent.Type> type = hooks.recordEvents() ? UploadEvent.Type.ofChangeTo(next) : Optional.empty();
        if (type.isEmpty()) {
            return metadata.compareAndSetState(session.id(), expected, next, at);
        }
        return metadata.compareAndSetState(session.id(), expected, next, at,
                UploadEvent.of(type.get(), session, at, sha256, compositeSha256));
    }

    /** {@link #acceptChunk(UploadId, String, long, InputStream, long, ClientDigests, Optional)} of a whole chunk. */
    public ChunkAccepted acceptChunk(UploadId id, String token, long index, InputStream body, long declaredLength,
                                     ClientDigests digests) {
        return acceptChunk(id, token, index, body, declaredLength, digests, Optional.empty());
    }

    /**
     * Streams one chunk, or the part {@code range} of it, into the blob store block by block. {@code declaredLength}
     * is the request's length when it announced one (-1 when not): a wrong one is refused before any byte is
     * read. A range must start at a block boundary no later than the chunk's durable prefix, and end at a block
     * boundary or the chunk's end.
     *
     * <p>Each block is staged while no other staging of it can change its bytes ({@link BlobStore#openBlock}),
     * and recorded with its SHA-256 once durable, so a body cut off keeps every whole block that arrived. A block
     * already recorded is not written again: its bytes here are read and checked with the body, and the recorded
     * ones stay, so the digest recorded is always that of the bytes kept, whichever of two requests for one
     * block wins. When {@code digests} holds a digest of the whole body, the blocks are recorded only after it
     * matched, at the end (all or nothing): a body that fails it leaves the records as they were.
     */
    public ChunkAccepted acceptChunk(UploadId id, String token, long index, InputStream body, long declaredLength,
                                     ClientDigests digests, Optional<ChunkRange> range) {
        UploadSession session = owned(id, token);
        if (session.transfer() == TransferMode.DIRECT) {
            throw new WrongTransfer(id.value(), true);
        }
        Instant now = clock.instant();
        long chunkLength = session.requireAcceptsChunk(index, now);
        int chunk = (int) index;
        ChunkPlan plan = session.plan();
        long first = 0;
        long length = chunkLength;
        if (range.isPresent()) {
            first = requireContinuable(session, chunk, chunkLength, range.get());
            length = range.get().length();
        }
        if (declaredLength >= 0 && declaredLength != length) {
            throw new ChunkLengthMismatch(chunk, length, "the request announced " + declaredLength + " bytes");
        }
        VerifiedChunkStream verified = new VerifiedChunkStream(body, chunk, length, digests);
        boolean allOrNothing = digests.md5().isPresent() || digests.sha256().isPresent();
        StagingAttempt attempt = StagingAttempt.random();
        int firstBlock = plan.firstBlockOf(chunk) + (int) (first / plan.blockSize());
        int endBlock = plan.firstBlockOf(chunk) + (int) ceilDiv(first + length, plan.blockSize());
        boolean oneBlock = endBlock - firstBlock == 1;
        List<BlockStaging> held = new ArrayList<>();
        List<PendingBlock> pending = new ArrayList<>();
        BlockRecorder recorder = new BlockRecorder(durability, session.receivedBlockCount());
        HashLane lane = new HashLane(durability);
        UploadSession seen = session;
        CompletableFuture<Sha256> bodySha256 = null;
        int receivedBlocks;
        try {
            for (int block = firstBlock; block < endBlock; block++) {
                recorder.throwIfFailed();
                long blockLength = plan.blockLength(block);
                BlockStream bytes = new BlockStream(verified, blockLength, lane);
                BlockStaging staging = session.hasReceivedBlock(block) ? null
                        : stagingUnlessRecorded(id, session, block, attempt);
                if (staging == null) {
                    // Recorded before (by this upload's earlier requests or a concurrent one): its bytes stay.
                    bytes.drain();
                    bodySha256 = oneBlock ? bytes.sha256() : null;
                    seen = seen.withBlockReceived(block, now, seen.expiresAt());
                    continue;
                }
                try {
                    staging.write(new BlockData(bytes, blockLength, oneBlock ? digests.md5() : Optional.empty()));
                } catch (RuntimeException e) {
                    staging.close();
                    throw e;
                }
                CompletableFuture<Sha256> sha256 = bytes.sha256();
                bodySha256 = oneBlock ? sha256 : null;
                int staged = block;
                if (allOrNothing) {
                    held.add(staging);
                    pending.add(new PendingBlock(staged, sha256));
                } else {
                    recorder.submit(staging, () -> metadata.recordBlock(id, receipt(staged, sha256.join(), attempt)));
                }
                Instant done = clock.instant();
                seen = seen.withBlockReceived(block, done, done.plus(policy.uploadTtl()));
            }
            verified.requireVerified();
            receivedBlocks = recorder.finish();
            for (int i = 0; i < pending.size(); i++) {
                held.get(i).makeDurable();
                PendingBlock block = pending.get(i);
                receivedBlocks = metadata.recordBlock(id, receipt(block.index(), block.sha256().join(), attempt));
            }
        } catch (StoreUnavailable e) {
            recorder.finishAfter(e);
            throw movedOnOr(id, e);
        } catch (NotFound | NotActive | Expired e) {
            recorder.finishAfter(e);
            discardIfEnded(id, session.blobName());
            throw e;
        } catch (IOException e) {
            // BlockStream only passes on what the body threw, and the body throws domain errors.
            IllegalStateException unexpected = new IllegalStateException("unexpected I/O failure of a verified body", e);
            recorder.finishAfter(unexpected);
            throw unexpected;
        } catch (RuntimeException | Error e) {
            // The blocks read whole before the failure are still made durable and recorded.
            recorder.finishAfter(e);
            throw e;
        } finally {
            held.forEach(BlockStaging::close);
        }
        Optional<Sha256> sha256 = digests.sha256().isPresent() ? digests.sha256()
                : Optional.ofNullable(bodySha256).map(CompletableFuture::join);
        return new ChunkAccepted(seen, chunk, BlockId.of(chunk, StagingAttempt.LEGACY), receivedBlocks, sha256);
    }

    /** A block staged by a request that records its blocks only at the end, and its digest to come. */
    private record PendingBlock(int index, CompletableFuture<Sha256> sha256) {
    }

    /** That {@code block} was staged by {@code attempt} with digest {@code sha256}, as of now. */
    private BlockReceipt receipt(int block, Sha256 sha256, StagingAttempt attempt) {
        Instant now = clock.instant();
        return new BlockReceipt(block, now, now.plus(policy.uploadTtl()), sha256, attempt);
    }

    /**
     * Opens the staging of {@code block}, and returns it unless, once it is open, the store says the block is
     * recorded (then it is closed, and the answer is {@code null}).
     */
    private BlockStaging stagingUnlessRecorded(UploadId id, UploadSession session, int block, StagingAttempt attempt) {
        BlockStaging staging = blobs.openBlock(session.blobName(), session.plan(), block, attempt);
        try {
            if (metadata.hasBlock(id, block)) {
                staging.close();
                return null;
            }
            return staging;
        } catch (RuntimeException e) {
            staging.close();
            throw e;
        }
    }

    /**
     * Checks that {@code range} continues chunk {@code chunk} of {@code session} where the server can, and returns
     * its first byte.
     */
    private static long requireContinuable(UploadSession session, int chunk, long chunkLength, ChunkRange range) {
        if (range.chunkLength() != chunkLength) {
            throw new ChunkLengthMismatch(chunk, chunkLength, "Content-Range gives a chunk of " + range.chunkLength() + " bytes");
        }
        long blockSize = session.plan().blockSize();
        long prefix = session.durablePrefixOf(chunk);
        if (range.first() % blockSize != 0 || range.first() > prefix) {
            throw new OffsetMismatch(chunk, range.first(), prefix, blockSize);
        }
        long end = range.last() + 1;
        if (end != chunkLength && end % blockSize != 0) {
            throw new InvalidArgument(Field.RANGE, "Content-Range of chunk " + chunk + " ends at byte " + range.last()
                    + ": a part must end at a block boundary (a multiple of " + blockSize + " bytes) or at the chunk's"
                    + " last byte (" + (chunkLength - 1) + ").");
        }
        return range.first();
    }

    private static long ceilDiv(long a, long b) {
        return a / b + (a % b == 0 ? 0 : 1);
    }

    /** The upload ended (deleted, aborted, expired) while a chunk streamed in: what was staged for it has no owner. */
    private void discardIfEnded(UploadId id, BlobName blob) {
        try {
            Optional<UploadSession> current = metadata.find(id);
            if (current.isEmpty() || current.get().state() == UploadState.ABORTED
                    || current.get().state() == UploadState.EXPIRED) {
                blobs.delete(blob);
            }
        } catch (UploadException e) {
            // The expiry sweep discards it later; the client's answer is the original refusal.
            LOG.log(Level.FINE, "could not discard the data of ended upload " + id, e);
        }
    }

    /**
     * Commits the upload once every chunk has arrived. Repeating it after success answers the same.
     * Before anything is committed, the composite digest the client gives is checked against the one
     * computed from the recorded chunk digests, and the blob store commits exactly the staging attempts
     * those digests were recorded with; a whole-file SHA-256 (given here or at initiation) is passed to
     * the blob store, which checks it where it computes one while committing. A repeat checks what it is
     * given as the first call did: the composite against the records, and a whole-file SHA-256 given now
     * against the committed file (read once, streamed, where it was not verified before).
     *
     * @throws Incomplete listing the missing chunks (the upload stays active)
     * @throws ChecksumMismatch if a digest does not match (nothing is committed; the upload stays active)
     * @throws NotActive if another caller is completing it right now, or it was aborted
     */
    public Completed complete(UploadId id, String token, CompletionRequest request) {
        UploadSession session = owned(id, token);
        Instant now = clock.instant();
        Optional<String> expectedSha256 = expectedSha256(session, request);
        if (session.state() == UploadState.COMPLETED) {
            return completedAgain(session, request);
        }
        if (session.state() == UploadState.COMPLETING && isStale(session, now)) {
            // The server that began this completion stopped before finishing; committing is idempotent.
            metadata.compareAndSetState(id, UploadState.COMPLETING, UploadState.ACTIVE, now);
            session = owned(id, token);
        }
        session.requireActive(now);
        session = reconciled(session);
        if (!session.allChunksReceived()) {
            throw new Incomplete(session.missingChunks());
        }
        if (!metadata.compareAndSetState(id, UploadState.ACTIVE, UploadState.COMPLETING, now)) {
            UploadSession current = owned(id, token);
            if (current.state() == UploadState.COMPLETED) {
                return completedAgain(current, request);
            }
            current.requireActive(now);
            throw new NotActive("Upload " + id + " changed while completing; try again.");
        }
        try {
            // COMPLETING refuses new chunk records, so the records read now name the bytes committed.
            SortedMap<Integer, RecordedBlock> records = metadata.recordedBlocks(id);
            Optional<Sha256> composite = verifiedComposite(id, session, records, request);
            UploadSession completing = session.transitionTo(UploadState.COMPLETING, now);
            CommittedBlob blob = blobs.commit(completing.blobName(), completing.plan(), attempts(records, completing.plan()),
                    new BlobAttributes(completing.contentType(), completing.fileName(), id, expectedSha256));
            if (completing.transfer() == TransferMode.DIRECT && expectedSha256.isPresent() && blob.sha256().isEmpty()) {
                blob = readBack(completing, blob, expectedSha256.get());
            }
            blob.sha256().ifPresent(actual -> verifiedFiles.remember(id, actual));
            Instant committedAt = clock.instant();
            if (!changeState(completing, UploadState.COMPLETING, UploadState.COMPLETED, committedAt,
                    blob.sha256(), composite.map(Sha256::hex))) {
                throw new NotActive("Upload " + id + " was taken over while completing; try again.");
            }
            return new Completed(completing.transitionTo(UploadState.COMPLETED, committedAt), blob, composite, true);
        } catch (RuntimeException e) {
            // Nothing was committed that a retry would not commit again; let the client fix and retry.
            metadata.compareAndSetState(id, UploadState.COMPLETING, UploadState.ACTIVE, clock.instant());
            throw e;
        }
    }

    /**
     * The SHA-256 of a direct upload's committed blob, read back once (the server never saw its bytes), checked
     * against the one expected. A file that differs is deleted again, so nothing wrong stays committed; its blocks
     * went with it (a commit discards what it does not name), and the client uploads it again.
     */
    private CommittedBlob readBack(UploadSession session, CommittedBlob blob, String expected) {
        String actual = committedSha256(session);
        if (!actual.equals(expected)) {
            verifiedFiles.forget(session.id());
            blobs.delete(session.blobName());
            throw new ChecksumMismatch("The committed file's SHA-256 is " + actual + ", not the expected " + expected
                    + "; the file was deleted again: upload its blocks anew.");
        }
        return new CommittedBlob(blob.size(), Optional.of(actual));
    }

    /**
     * A direct upload as the blob storage holds it: a block counts as received when the storage holds it staged
     * under its id with the planned size (Azure verified its Content-MD5 before it kept it). The staged-block
     * list, not the metadata store, is the record of a direct upload's blocks: the server holds no digest of
     * bytes it never saw. Any other upload, or one not active, is returned as it is.
     */
    private UploadSession reconciled(UploadSession session) {
        if (session.transfer() != TransferMode.DIRECT || session.state() != UploadState.ACTIVE || direct.isEmpty()) {
            return session;
        }
        Map<Integer, Long> staged = direct.get().stagedBlocks(session.blobName());
        ChunkPlan plan = session.plan();
        BitSet received = new BitSet(plan.blockCount());
        staged.forEach((block, size) -> {
            if (block < plan.blockCount() && size == plan.blockLength(block)) {
                received.set(block);
            }
        });
        return session.withReceivedBlocks(received);
    }

    /** {@link #complete(UploadId, String, CompletionRequest)} with no digest to check. */
    public Completed complete(UploadId id, String token) {
        return complete(id, token, CompletionRequest.NONE);
    }

    /**
     * A {@code complete} of an upload already committed: it checks what it is given exactly as the first
     * call did, and changes nothing either way.
     */
    private Completed completedAgain(UploadSession session, CompletionRequest request) {
        Optional<Sha256> composite = verifiedComposite(session.id(), session, metadata.recordedBlocks(session.id()), request);
        Optional<String> sha256 = Optional.empty();
        if (request.sha256().isPresent()) {
            String actual = committedSha256(session);
            if (!actual.equals(request.sha256().get().hex())) {
                throw new ChecksumMismatch("The file's SHA-256 is " + actual + ", not the expected "
                        + request.sha256().get().hex() + "; the completed upload is unchanged.");
            }
            sha256 = Optional.of(actual);
        }
        return new Completed(session, new CommittedBlob(session.plan().fileSize(), sha256), composite, false);
    }

    /**
     * The whole-file SHA-256 of a committed upload: remembered when it was verified on this server, otherwise
     * computed by one sequential read of the committed blob through a small buffer.
     */
    private String committedSha256(UploadSession session) {
        Optional<String> known = verifiedFiles.find(session.id());
        if (known.isPresent()) {
            return known.get();
        }
        MessageDigest digest = Sha256.newDigest();
        byte[] buffer = new byte[READ_BUFFER];
        try (InputStream in = blobs.openCommitted(session.blobName(), 0, session.plan().fileSize())) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new StoreUnavailable("The committed file of upload " + session.id() + " could not be read to check its"
                    + " SHA-256; try again shortly.", e);
        } catch (UncheckedIOException e) {
            throw new StoreUnavailable("The committed file of upload " + session.id() + " could not be read to check its"
                    + " SHA-256; try again shortly.", e.getCause());
        }
        String actual = Sha256.of(digest.digest()).hex();
        verifiedFiles.remember(session.id(), actual);
        return actual;
    }

    /** The attempt to commit for each block of {@code plan}: the recorded one, or the legacy one for a block recorded without. */
    private static List<StagingAttempt> attempts(SortedMap<Integer, RecordedBlock> records, ChunkPlan plan) {
        List<StagingAttempt> attempts = new ArrayList<>(plan.blockCount());
        for (int index = 0; index < plan.blockCount(); index++) {
            RecordedBlock record = records.get(index);
            attempts.add(record == null ? StagingAttempt.LEGACY : record.attempt());
        }
        return attempts;
    }

    /** The whole-file SHA-256 to check: the one given now or at initiation; both given must agree. */
    private static Optional<String> expectedSha256(UploadSession session, CompletionRequest request) {
        Optional<String> now = request.sha256().map(Sha256::hex);
        if (now.isPresent() && session.expectedSha256().isPresent() && !now.equals(session.expectedSha256())) {
            throw new InvalidArgument(Field.CHECKSUM, "sha256 differs from the one given when the upload started ("
                    + session.expectedSha256().get() + ").");
        }
        return now.or(session::expectedSha256);
    }

    /** The composite digest of the recorded blocks, checked against the client's when it gave one. */
    private static Optional<Sha256> verifiedComposite(UploadId id, UploadSession session,
                                                      SortedMap<Integer, RecordedBlock> records, CompletionRequest request) {
        int count = session.plan().blockCount();
        Optional<Sha256> composite = records.size() == count && (count == 0 || records.lastKey() == count - 1)
                ? Optional.of(Sha256.composite(records.values().stream().map(RecordedBlock::sha256).toList()))
                : Optional.empty();
        if (request.compositeSha256().isPresent()) {
            if (composite.isEmpty()) {
                throw new ChecksumMismatch("composite_sha256 cannot be checked: some blocks of upload " + id
                        + " were recorded without a digest. Complete without it, or upload again.");
            }
            if (!composite.get().equals(request.compositeSha256().get())) {
                throw new ChecksumMismatch("composite_sha256 does not match the blocks received (" + composite.get().hex()
                        + "): a block differs from the one the client hashed. Nothing was committed.");
            }
        }
        return composite;
    }

    /** The upload as it stands. No token is needed to read it. */
    public UploadSession status(UploadId id) {
        UploadSession session = find(id);
        if (session.isExpiredAt(clock.instant())) {
            throw new Expired(id.value());
        }
        return reconciled(session);
    }

    /** The upload as it stands, for a client that wants to send what is missing. */
    public UploadSession resume(UploadId id) {
        return status(id);
    }

    /**
     * Aborts an upload, or deletes a completed one: its data and its record are removed.
     * If a store fails halfway, the upload stays aborted and a repeated call finishes the job.
     */
    public UploadSession abort(UploadId id, String token) {
        return abort(id, token, false);
    }

    /** {@link #abort(UploadId, String)}, without the token when {@code byAdministrator} (verified by the edge). */
    private UploadSession abort(UploadId id, String token, boolean byAdministrator) {
        UploadSession session = byAdministrator ? find(id) : owned(id, token);
        Instant now = clock.instant();
        Concatenation role = roleOf(id);
        if (role.isPart() && role.claimedBy().flatMap(metadata::find)
                .filter(c -> c.state() != UploadState.ABORTED && c.state() != UploadState.EXPIRED).isPresent()) {
            throw new Forbidden("Upload " + id + " is a part of the concatenated upload " + role.claimedBy().get().value()
                    + ", which reads its bytes; delete that upload instead.");
        }
        if (session.state() == UploadState.COMPLETING && !isStale(session, now)) {
            throw new NotActive("Upload " + id + " is being completed and cannot be deleted now; try again shortly.");
        }
        if (session.state() == UploadState.COMPLETING) {
            // The server that began this completion stopped long ago; take it back first.
            metadata.compareAndSetState(id, UploadState.COMPLETING, UploadState.ACTIVE, now);
            session = byAdministrator ? find(id) : owned(id, token);
        }
        if (session.state() != UploadState.ABORTED && session.state() != UploadState.EXPIRED
                && !changeState(session, session.state(), UploadState.ABORTED, now, Optional.empty(), Optional.empty())) {
            throw new NotActive("Upload " + id + " changed while being deleted; try again.");
        }
        blobs.delete(session.blobName());
        // A concatenation owns the parts it claimed: they go with it (first, so a crash leaves no reader of a missing part).
        for (UploadId part : role.parts()) {
            if (roleOf(part).claimedBy().filter(id::equals).isPresent()) {
                blobs.delete(BlobName.of(part));
                metadata.delete(part);
            }
        }
        metadata.delete(id);
        verifiedFiles.forget(id);
        return session;
    }

    /**
     * Expires an idle upload: marks it expired (one caller wins, however many servers try), discards its
     * staged data, and keeps its record so that later calls answer {@code upload.expired}.
     *
     * @return whether this call expired it
     */
    public boolean expire(UploadId id) {
        Optional<UploadSession> found = metadata.find(id);
        Instant now = clock.instant();
        if (found.isEmpty() || found.get().state() != UploadState.ACTIVE || now.isBefore(found.get().expiresAt())) {
            return false;
        }
        if (!changeState(found.get(), UploadState.ACTIVE, UploadState.EXPIRED, now, Optional.empty(), Optional.empty())) {
            return false;
        }
        blobs.delete(found.get().blobName());
        return true;
    }

    /** The ids of uploads whose time has run out, for a periodic job to {@link #expire}. */
    public List<UploadId> expiredUploads(int limit) {
        return metadata.listExpired(clock.instant(), limit);
    }

    /**
     * One round of the periodic clean-up, safe to run on every server at once: expires up to {@code limit}
     * idle uploads, and removes up to {@code limit} records of uploads that expired or were aborted more
     * than the policy's retention ago, discarding their data once more (a chunk that was still streaming
     * in when the upload ended may have been staged after the first discard).
     */
    public SweepResult sweep(int limit) {
        int expired = 0;
        for (UploadId id : expiredUploads(limit)) {
            if (expire(id)) {
                expired++;
            }
        }
        int removed = 0;
        for (UploadId id : metadata.listFinished(clock.instant().minus(policy.finishedRetention()), limit)) {
            blobs.delete(BlobName.of(id));
            metadata.delete(id);
            removed++;
        }
        return new SweepResult(expired, removed);
    }

    /** What one {@link #sweep} did: uploads expired, and records of ended uploads removed. */
    public record SweepResult(int expired, int removed) {
    }

    /** A completed upload's file, to be read whole or by range. */
    public Download download(UploadId id) {
        UploadSession session = status(id);
        if (session.state() != UploadState.COMPLETED) {
            throw new NotActive("Upload " + id + " is " + session.state().name().toLowerCase(Locale.ROOT)
                    + "; only a completed upload can be downloaded.");
        }
        Concatenation role = roleOf(id);
        if (role.isPart()) {
            throw new Forbidden("Upload " + id + " is a part of a concatenation, not a file; download the concatenated upload.");
        }
        if (role.isConcatenation()) {
            List<Download.Segment> segments = new ArrayList<>();
            for (UploadId part : role.parts()) {
                segments.add(new Download.Segment(BlobName.of(part), find(part).plan().fileSize()));
            }
            return new Download(session, blobs, segments);
        }
        return new Download(session, blobs);
    }

    /** The role of upload {@code id} in a concatenation, which its append state keeps (none without one). */
    private Concatenation roleOf(UploadId id) {
        try {
            return metadata.appendState(id).map(AppendState::concatenation).orElse(Concatenation.NONE);
        } catch (NotFound e) {
            return Concatenation.NONE;
        }
    }

    /**
     * A chunk whose staging failed because the upload was completed or deleted meanwhile (which
     * removes its staging area): the answer is that the upload accepts no more chunks, not that the
     * store is unavailable, which would have the client retry in vain. Otherwise the store's failure.
     */
    private UploadException movedOnOr(UploadId id, StoreUnavailable failure) {
        Optional<UploadSession> now;
        try {
            now = metadata.find(id);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            return failure;
        }
        if (now.isEmpty()) {
            return new NotFound(id.value());
        }
        if (now.get().state() != UploadState.ACTIVE) {
            return new NotActive("Upload " + id + " is " + now.get().state().name().toLowerCase(Locale.ROOT)
                    + " and accepts no more chunks.");
        }
        return failure;
    }

    private boolean isStale(UploadSession session, Instant now) {
        return !now.isBefore(session.updatedAt().plus(policy.completionLease()));
    }

    private UploadSession owned(UploadId id, String token) {
        UploadSession session = find(id);
        if (policy.requireToken() && !session.isOwnedBy(token)) {
            throw new NotFound(id.value());
        }
        return session;
    }

    private UploadSession find(UploadId id) {
        return metadata.find(id).orElseThrow(() -> new NotFound(id.value()));
    }

    private static String abbreviate(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 60 ? clean.substring(0, 60) + "…" : clean;
    }

    // The use-case interfaces' commands, each handed to the method above that does the work.

    @Override
    public ChunkAccepted acceptChunk(AcceptChunkCommand c) {
        return acceptChunk(c.id(), c.token(), c.index(), c.body(), c.declaredLength(), c.digests(), c.range());
    }

    @Override
    public Completed complete(CompleteUploadCommand c) {
        return complete(c.id(), c.token(), c.checks());
    }

    @Override
    public UploadSession abort(AbortUploadCommand c) {
        return abort(c.id(), c.token(), c.byAdministrator());
    }
}
