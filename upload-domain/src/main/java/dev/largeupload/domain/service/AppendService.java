package dev.largeupload.domain.service;

import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.Expired;
import dev.largeupload.domain.error.UploadException.Forbidden;
import dev.largeupload.domain.error.UploadException.LengthMismatch;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.WrongTransfer;
import dev.largeupload.domain.error.UploadException.OffsetConflict;
import dev.largeupload.domain.error.UploadException.TooLarge;
import dev.largeupload.domain.error.UploadException.TransferInterrupted;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.Concatenation;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.TransferMode;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.AppendState;
import dev.largeupload.domain.port.BlobStore;
import dev.largeupload.domain.port.BlockData;
import dev.largeupload.domain.port.BlockReceipt;
import dev.largeupload.domain.port.BlockStaging;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.port.PartialBlock;
import dev.largeupload.domain.port.PieceStore;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.usecase.AppendCommand;
import dev.largeupload.domain.usecase.AppendUploadUseCase;
import dev.largeupload.domain.usecase.BodyChecksum;
import dev.largeupload.domain.usecase.InitiateUploadUseCase;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Appends by byte offset on top of the block-granular core: the use case behind the tus edge.
 *
 * <p><b>The durable offset</b> of an upload is the bytes of its whole blocks received from block 0 on without a
 * gap, plus the bytes of the {@link PartialBlock} recorded for the first block missing, if any. An append must
 * start exactly there. Its body is cut at block boundaries: every block it completes (the partial block's piece,
 * read back from the {@link PieceStore}, then the body's bytes) is staged whole, made durable and recorded with
 * its SHA-256, exactly as a chunk's blocks are, so a body cut off keeps every whole block that arrived. The
 * bytes of a body that announced its length and ends inside a block are written as a new durable piece of that
 * block (the old piece's bytes, then the body's), and the append state names it by compare-and-set once it is
 * durable: nothing acknowledged is lost, and no more than one block is ever written twice per append. A body of
 * unknown length (a chunked PATCH) may end anywhere, so each of its blocks is first written as a piece (the old
 * piece's bytes, then the body's, up to the block's end): a piece that came out whole is staged as the block,
 * and the last one, ending inside its block, is the new partial block. Such a body keeps every byte that arrived,
 * at the cost of writing its bytes twice; a body of known length writes its whole blocks once.
 *
 * <p><b>A deferred length</b> (tus creation-defer-length, an IETF draft upload without a length): the upload is
 * planned for the largest file allowed, so its block size is fixed from the start and an append past that size
 * is {@code TooLarge}; {@link #declareLength} cuts the plan to the length once (a different one later is a
 * {@code LengthMismatch}), and a piece that then holds its whole block is staged as that block.
 *
 * <p>A body with a checksum (before or after it) is kept all or nothing: its blocks are recorded, and its piece
 * named, only after the checksum matched. One append per upload at a time on this server (another one is refused
 * as a conflict at once); across servers, the compare-and-set of the append state refuses the second of two
 * appends that both ended inside a block, and the core's block rule keeps every block's record true to its bytes.
 */
public final class AppendService implements AppendUploadUseCase {

    private static final Logger LOG = Logger.getLogger(AppendService.class.getName());

    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final PieceStore pieces;
    private final InitiateUploadUseCase initiate;
    private final UploadPolicy policy;
    private final Clock clock;
    private final Executor durability;
    private final Set<UploadId> appending = ConcurrentHashMap.newKeySet();

    public AppendService(MetadataStore metadata, BlobStore blobs, PieceStore pieces, InitiateUploadUseCase initiate,
                         UploadPolicy policy, Clock clock, Executor durability) {
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.pieces = Objects.requireNonNull(pieces, "pieces");
        this.initiate = Objects.requireNonNull(initiate, "initiate");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.durability = Objects.requireNonNull(durability, "durability");
    }

    @Override
    public Initiated start(InitiateRequest request, String labels) {
        AppendState first = AppendState.first(labels);
        Initiated initiated = initiate.initiate(request);
        metadata.replaceAppendState(initiated.session().id(), 0, first);
        return initiated;
    }

    @Override
    public AppendStatus appendStatus(UploadId id, String token) {
        UploadSession session = owned(id, token);
        if (session.isExpiredAt(clock.instant())) {
            throw new Expired(id.value());
        }
        return statusOf(session);
    }

    private UploadSession owned(UploadId id, String token) {
        UploadSession session = metadata.find(id).orElseThrow(() -> new NotFound(id.value()));
        if (policy.requireToken() && !session.isOwnedBy(token)) {
            throw new NotFound(id.value());
        }
        return session;
    }

    private AppendStatus statusOf(UploadSession session) {
        UploadId id = session.id();
        Optional<AppendState> state = metadata.appendState(id);
        return new AppendStatus(session, durableOffset(session, state.flatMap(AppendState::partialBlock)),
                state.map(AppendState::labels).orElse(""), state.map(AppendState::concatenation).orElse(Concatenation.NONE));
    }

    /** The bytes at the start of {@code session}'s file held durably, given its partial block (the rule of this class). */
    public static long durableOffset(UploadSession session, Optional<PartialBlock> partial) {
        ChunkPlan plan = session.plan();
        if (session.state() == UploadState.COMPLETED) {
            // Whole, whether its blocks were received or it is a concatenation of other uploads' files.
            return plan.fileSize();
        }
        BitSet received = session.received();
        int missing = received.nextClearBit(0);
        if (missing >= plan.blockCount()) {
            return plan.fileSize();
        }
        long base = plan.blockOffset(missing);
        // A piece may hold its whole block when the length declared after it was written ends there.
        return partial.filter(p -> p.block() == missing && p.bytes() <= plan.blockLength(missing))
                .map(p -> base + p.bytes()).orElse(base);
    }

    @Override
    public AppendStatus declareLength(UploadId id, String token, long length) {
        UploadSession session = owned(id, token);
        session.requireActive(clock.instant());
        if (!session.lengthDeferred()) {
            if (length != session.plan().fileSize()) {
                throw new LengthMismatch(id.value(), session.plan().fileSize(), length);
            }
            return statusOf(session);
        }
        if (!appending.add(id)) {
            throw new OffsetConflict(id.value(), -1, -1, true);
        }
        try {
            Optional<AppendState> state = metadata.appendState(id);
            long durable = durableOffset(session, state.flatMap(AppendState::partialBlock));
            if (durable > length) {
                throw new LengthMismatch(id.value(), -1, length);
            }
            UploadSession declared = session.withDeclaredLength(length);
            if (!metadata.declareLength(id, declared.plan())) {
                UploadSession current = owned(id, token);
                current.requireActive(clock.instant());
                if (current.lengthDeferred() || current.plan().fileSize() != length) {
                    throw new LengthMismatch(id.value(), current.plan().fileSize(), length);
                }
            }
        } finally {
            appending.remove(id);
        }
        // The bytes held may end inside the last block, now whole: an empty append at the offset stages it.
        return append(new AppendCommand(id, token, appendStatus(id, token).offset(), InputStream.nullInputStream(), 0,
                Optional.empty(), Optional.empty()));
    }

    @Override
    public AppendStatus append(AppendCommand command) {
        UploadId id = command.id();
        UploadSession session = owned(id, command.token());
        if (session.state() != UploadState.ACTIVE && metadata.appendState(id)
                .filter(s -> s.concatenation().isConcatenation()).isPresent()) {
            throw new Forbidden("Upload " + id + " is a concatenation of other uploads; it takes no appends.");
        }
        if (session.transfer() == TransferMode.DIRECT) {
            // Its blocks go to the storage directly, under ids an append's could not share a blob with.
            throw new WrongTransfer(id.value(), true);
        }
        if (isEmptyAppendAtTheEnd(session, command)) {
            return statusOf(session);
        }
        session.requireActive(clock.instant());
        if (!appending.add(id)) {
            throw new OffsetConflict(id.value(), command.offset(), -1, true);
        }
        try {
            Optional<AppendState> state = metadata.appendState(id);
            Optional<PartialBlock> partial = state.flatMap(AppendState::partialBlock);
            long durable = durableOffset(session, partial);
            if (command.offset() != durable) {
                throw new OffsetConflict(id.value(), command.offset(), durable, false);
            }
            long room = session.plan().fileSize() - durable;
            if (command.declaredLength() > room) {
                throw new TooLarge("An append at byte " + durable + " of this upload", command.declaredLength(), room);
            }
            new Append(session, state, partial.filter(p -> durable % session.plan().blockSize() != 0), command).run();
            return statusOf(metadata.find(id).orElseThrow(() -> new NotFound(id.value())));
        } finally {
            appending.remove(id);
        }
    }

    /**
     * Whether {@code command} appends nothing at the end of a completed upload: clients (tus-java-client) end an
     * upload with an empty body at its last offset, which changes nothing and answers the offset. A body of unknown
     * length is read to see that it is empty; one that is not is refused like any append to a completed upload.
     */
    private static boolean isEmptyAppendAtTheEnd(UploadSession session, AppendCommand command) {
        if (session.state() != UploadState.COMPLETED || command.offset() != session.plan().fileSize()
                || command.declaredLength() > 0) {
            return false;
        }
        if (command.declaredLength() == 0) {
            return true;
        }
        try {
            return command.body().read() < 0;
        } catch (java.io.IOException e) {
            throw new TransferInterrupted(-1, e instanceof java.io.InterruptedIOException, e);
        }
    }

    /** One append's run through the blocks its body touches. Not thread-safe: the request's thread runs it. */
    private final class Append {

        private final UploadSession session;
        private final ChunkPlan plan;
        private final Optional<AppendState> state;
        private final Optional<PartialBlock> partial;
        private final AppendCommand command;
        private final boolean knownLength;
        private final boolean allOrNothing;
        private final AppendBody body;
        private final HashLane lane = new HashLane(durability);
        private final BlockRecorder recorder;
        private final List<BlockStaging> held = new ArrayList<>();
        private final List<Pending> pending = new ArrayList<>();
        private Optional<PartialBlock> newPiece = Optional.empty();
        /** Pieces of a body of unknown length that turned out whole blocks: staged from, never named, then deleted. */
        private final List<PartialBlock> wholePieces = new ArrayList<>();
        /** Whether the block of the partial piece this append began with was staged whole. */
        private boolean partialCompleted;

        Append(UploadSession session, Optional<AppendState> state, Optional<PartialBlock> partial, AppendCommand command) {
            this.session = session;
            this.plan = session.plan();
            this.state = state;
            this.partial = partial;
            this.command = command;
            this.knownLength = command.declaredLength() >= 0;
            this.allOrNothing = command.checksum().isPresent() || command.trailer().isPresent();
            Set<String> algorithms = command.checksum().map(c -> Set.of(c.algorithm()))
                    .orElse(command.trailer().isPresent() ? BodyChecksum.ALGORITHMS : Set.of());
            this.body = new AppendBody(command.body(), algorithms);
            this.recorder = new BlockRecorder(durability, session.receivedBlockCount());
        }

        void run() {
            UploadId id = session.id();
            long position = command.offset();
            long end = knownLength ? position + command.declaredLength() : plan.fileSize();
            boolean done = false;
            try {
                Optional<PartialBlock> whole = partial.filter(p -> p.bytes() == plan.blockLength(p.block()));
                if (whole.isPresent()) {
                    stageBlock(whole.get().block(), whole.get().bytes(), 0);
                    partialCompleted = true;
                }
                while (position < end) {
                    recorder.throwIfFailed();
                    int block = (int) (position / plan.blockSize());
                    long inBlock = position - plan.blockOffset(block);
                    long blockLength = plan.blockLength(block);
                    long need = blockLength - inBlock;
                    long available = end - position;
                    if (!knownLength) {
                        long taken = appendUpTo(block, inBlock, need);
                        position += taken;
                        if (taken < need) {
                            break;
                        }
                    } else if (available >= need) {
                        stageBlock(block, inBlock, need);
                        partialCompleted |= inBlock > 0;
                        position += need;
                    } else {
                        writePiece(block, inBlock, available);
                        position += available;
                    }
                }
                if (!knownLength && position == end) {
                    body.requireEnded(end);
                }
                checkChecksum();
                recorder.finish();
                Instant now = clock.instant();
                for (Pending block : pending) {
                    block.staging().makeDurable();
                    metadata.recordBlock(id, new BlockReceipt(block.index(), now, now.plus(policy.uploadTtl()),
                            block.sha256().join(), block.attempt()));
                }
                nameNewPiece();
                done = true;
            } catch (RuntimeException | Error e) {
                recorder.finishAfter(e);
                throw e;
            } finally {
                held.forEach(BlockStaging::close);
                wholePieces.forEach(this::deleteQuietly);
                if (!done) {
                    newPiece.ifPresent(this::deleteQuietly);
                }
            }
        }

        /** Stages block {@code block} whole: the partial block's piece ({@code inBlock} bytes), then {@code need} of the body. */
        private void stageBlock(int block, long inBlock, long need) {
            InputStream part = body.part(block, need);
            if (!stage(block, withPrefix(block, inBlock, part), inBlock + need)) {
                // Recorded already (the native API sent it, or a concurrent append): its bytes stay as recorded.
                body.drain(part);
            }
        }

        /**
         * For a body of unknown length, which may end anywhere: writes the partial block's piece ({@code inBlock}
         * bytes) and up to {@code need} bytes of the body as a new durable piece first. If that made the block whole,
         * the block is staged from the piece (so a block of such a body is written twice, and only such a body's);
         * otherwise the piece is the new partial block. Answers how many bytes of the body it took.
         */
        private long appendUpTo(int block, long inBlock, long need) {
            long blockLength = inBlock + need;
            StagingAttempt attempt = StagingAttempt.random();
            long held = pieces.writePiece(session.blobName(), block, attempt,
                    withPrefix(block, inBlock, body.partUpTo(block, need)), blockLength);
            if (held == 0) {
                pieces.deletePiece(session.blobName(), block, attempt);
                return 0;
            }
            PartialBlock written = new PartialBlock(block, held, attempt);
            if (held == blockLength) {
                wholePieces.add(written);
                stage(block, pieces.openPiece(session.blobName(), block, attempt, blockLength), blockLength);
                // Staged (read whole): never named, so it goes now rather than piling up for the rest of the body.
                wholePieces.remove(written);
                deleteQuietly(written);
                partialCompleted |= inBlock > 0;
            } else if (held > inBlock) {
                newPiece = Optional.of(written);
            } else {
                deleteQuietly(written);
            }
            return held - inBlock;
        }

        /**
         * Stages block {@code block} whole from {@code bytes} ({@code blockLength} of them) and records it (or holds
         * it for the checksum). Answers {@code false}, reading nothing, when the block is recorded already.
         */
        private boolean stage(int block, InputStream bytes, long blockLength) {
            StagingAttempt attempt = StagingAttempt.random();
            BlockStaging staging = session.hasReceivedBlock(block) ? null : stagingUnlessRecorded(block, attempt);
            if (staging == null) {
                closeQuietly(bytes);
                return false;
            }
            BlockStream stream = new BlockStream(bytes, blockLength, lane);
            try {
                staging.write(new BlockData(stream, blockLength, Optional.empty()));
            } catch (RuntimeException e) {
                staging.close();
                throw e;
            } finally {
                closeQuietly(bytes);
            }
            CompletableFuture<dev.largeupload.domain.model.Sha256> sha256 = stream.sha256();
            if (allOrNothing) {
                held.add(staging);
                pending.add(new Pending(block, sha256, attempt, staging));
            } else {
                UploadId id = session.id();
                recorder.submit(staging, () -> {
                    Instant now = clock.instant();
                    return metadata.recordBlock(id, new BlockReceipt(block, now, now.plus(policy.uploadTtl()),
                            sha256.join(), attempt));
                });
            }
            return true;
        }

        /** Writes the piece of {@code block}: the old piece's {@code inBlock} bytes, then {@code length} of the body. */
        private void writePiece(int block, long inBlock, long length) {
            StagingAttempt attempt = StagingAttempt.random();
            PartialBlock piece = new PartialBlock(block, inBlock + length, attempt);
            newPiece = Optional.of(piece);
            pieces.writePiece(session.blobName(), block, attempt, withPrefix(block, inBlock, body.part(block, length)),
                    inBlock + length);
        }

        private InputStream withPrefix(int block, long inBlock, InputStream part) {
            if (inBlock == 0) {
                return part;
            }
            PartialBlock old = partial.orElseThrow(() -> new IllegalStateException("no piece for block " + block));
            return new SequenceInputStream(pieces.openPiece(session.blobName(), block, old.attempt(), inBlock), part);
        }

        private void checkChecksum() {
            Optional<BodyChecksum> expected = command.checksum()
                    .or(() -> command.trailer().flatMap(java.util.function.Supplier::get));
            if (expected.isEmpty()) {
                return;
            }
            byte[] actual = body.digest(expected.get().algorithm());
            if (!MessageDigest.isEqual(actual, expected.get().expected())) {
                throw new ChecksumMismatch("The body's " + expected.get().algorithm() + " differs from Upload-Checksum;"
                        + " nothing of it was kept.");
            }
        }

        /** Names the new piece (or no piece, once the old one's block is whole) in the append state, by compare-and-set. */
        private void nameNewPiece() {
            if (newPiece.isEmpty() && !partialCompleted) {
                return;
            }
            AppendState current = state.orElse(null);
            long revision = current == null ? 0 : current.revision();
            AppendState next = current == null ? new AppendState(1, "", newPiece) : current.withPartialBlock(newPiece);
            if (!metadata.replaceAppendState(session.id(), revision, next)) {
                throw new OffsetConflict(session.id().value(), command.offset(), -1, true);
            }
            partial.ifPresent(this::deleteQuietly);
        }

        private BlockStaging stagingUnlessRecorded(int block, StagingAttempt attempt) {
            // While the length is deferred the plan is for the largest file: stage by the file up to this block.
            ChunkPlan staged = session.lengthDeferred() ? plan.truncatedTo(plan.blockOffset(block) + plan.blockLength(block))
                    : plan;
            BlockStaging staging = blobs.openBlock(session.blobName(), staged, block, attempt);
            try {
                if (metadata.hasBlock(session.id(), block)) {
                    staging.close();
                    return null;
                }
                return staging;
            } catch (RuntimeException e) {
                staging.close();
                throw e;
            }
        }

        private void closeQuietly(InputStream bytes) {
            try {
                bytes.close();
            } catch (java.io.IOException e) {
                LOG.log(Level.FINE, "could not close a piece's stream", e);
            }
        }

        private void deleteQuietly(PartialBlock piece) {
            try {
                pieces.deletePiece(session.blobName(), piece.block(), piece.attempt());
            } catch (RuntimeException e) {
                // A piece no state names is never read; the blob's delete discards it.
                LOG.log(Level.FINE, "could not delete a piece of upload " + session.id(), e);
            }
        }
    }

    /** A block staged by an all-or-nothing append, to record once its checksum matched. */
    private record Pending(int index, CompletableFuture<dev.largeupload.domain.model.Sha256> sha256,
                           StagingAttempt attempt, BlockStaging staging) {
    }
}
