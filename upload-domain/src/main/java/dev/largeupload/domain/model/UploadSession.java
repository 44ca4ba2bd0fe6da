package dev.largeupload.domain.model;

import dev.largeupload.domain.error.UploadException.Expired;
import dev.largeupload.domain.error.UploadException.LengthMismatch;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.TooLarge;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One upload of one file: what is being uploaded, how it is cut into chunks and blocks, which blocks
 * have arrived (a chunk has arrived when all of its blocks have), and where it is in its life ({@link UploadState}). Immutable: a change of state yields
 * a new instance, which a {@code MetadataStore} persists by compare-and-set.
 *
 * <p>The file name is for display only; the data lives under {@link #blobName()}, derived from the id.
 * Only the SHA-256 of the upload token is held.
 */
public final class UploadSession {

    private final UploadId id;
    private final FileName fileName;
    private final String contentType;
    private final ChunkPlan plan;
    private final BitSet received;
    private final UploadState state;
    private final Instant createdAt;
    private final Instant updatedAt;
    private final Instant expiresAt;
    private final String tokenHash;
    private final Optional<String> expectedSha256;
    private final boolean lengthDeferred;
    private final TransferMode transfer;
    private final Optional<String> owner;

    private UploadSession(UploadId id, FileName fileName, String contentType, ChunkPlan plan, BitSet received,
                          UploadState state, Instant createdAt, Instant updatedAt, Instant expiresAt,
                          String tokenHash, Optional<String> expectedSha256, boolean lengthDeferred,
                          TransferMode transfer, Optional<String> owner) {
        this.id = Objects.requireNonNull(id, "id");
        this.fileName = Objects.requireNonNull(fileName, "fileName");
        this.contentType = Objects.requireNonNull(contentType, "contentType");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.received = (BitSet) received.clone();
        if (received.length() > plan.blockCount()) {
            throw new IllegalArgumentException("received block " + (received.length() - 1) + " is outside the plan");
        }
        this.state = Objects.requireNonNull(state, "state");
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.updatedAt = Objects.requireNonNull(updatedAt, "updatedAt");
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        this.tokenHash = Objects.requireNonNull(tokenHash, "tokenHash");
        this.expectedSha256 = Objects.requireNonNull(expectedSha256, "expectedSha256");
        this.lengthDeferred = lengthDeferred;
        this.transfer = Objects.requireNonNull(transfer, "transfer");
        if (lengthDeferred && transfer == TransferMode.DIRECT) {
            throw new IllegalArgumentException("a direct transfer needs its length from the start");
        }
        this.owner = Objects.requireNonNull(owner, "owner");
        owner.ifPresent(UploadSession::requireOwnerName);
    }

    /** The longest subject kept as an owner; an identity provider's subjects are far shorter (Entra ID: 43). */
    public static final int MAX_OWNER_LENGTH = 255;

    private static void requireOwnerName(String owner) {
        if (owner.isEmpty() || owner.length() > MAX_OWNER_LENGTH || owner.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("an owner is 1.." + MAX_OWNER_LENGTH + " characters without control characters");
        }
    }

    /** A new upload with no chunks received. */
    public static UploadSession start(UploadId id, FileName fileName, String contentType, ChunkPlan plan,
                                      String tokenHash, Optional<String> expectedSha256,
                                      Instant now, Instant expiresAt) {
        return new UploadSession(id, fileName, contentType, plan, new BitSet(), UploadState.ACTIVE,
                now, now, expiresAt, tokenHash, expectedSha256, false, TransferMode.PROXY, Optional.empty());
    }

    /** An upload as a store kept it, its length known. */
    public static UploadSession restore(UploadId id, FileName fileName, String contentType, ChunkPlan plan,
                                        BitSet received, UploadState state, Instant createdAt, Instant updatedAt,
                                        Instant expiresAt, String tokenHash, Optional<String> expectedSha256) {
        return restore(id, fileName, contentType, plan, received, state, createdAt, updatedAt, expiresAt, tokenHash,
                expectedSha256, false);
    }

    /** An upload as a store kept it; {@code lengthDeferred} as {@link #lengthDeferred()} says. */
    public static UploadSession restore(UploadId id, FileName fileName, String contentType, ChunkPlan plan,
                                        BitSet received, UploadState state, Instant createdAt, Instant updatedAt,
                                        Instant expiresAt, String tokenHash, Optional<String> expectedSha256,
                                        boolean lengthDeferred) {
        return restore(id, fileName, contentType, plan, received, state, createdAt, updatedAt, expiresAt, tokenHash,
                expectedSha256, lengthDeferred, TransferMode.PROXY);
    }

    /** An upload as a store kept it, with the {@link TransferMode} it was started with. */
    public static UploadSession restore(UploadId id, FileName fileName, String contentType, ChunkPlan plan,
                                        BitSet received, UploadState state, Instant createdAt, Instant updatedAt,
                                        Instant expiresAt, String tokenHash, Optional<String> expectedSha256,
                                        boolean lengthDeferred, TransferMode transfer) {
        return new UploadSession(id, fileName, contentType, plan, received, state, createdAt, updatedAt,
                expiresAt, tokenHash, expectedSha256, lengthDeferred, transfer, Optional.empty());
    }

    /** This new upload with its bytes travelling by {@code mode} (a new upload is {@link TransferMode#PROXY}). */
    public UploadSession withTransfer(TransferMode mode) {
        if (!received.isEmpty()) {
            throw new IllegalStateException("the transfer mode of an upload that received blocks cannot change");
        }
        return new UploadSession(id, fileName, contentType, plan, received, state, createdAt, updatedAt, expiresAt,
                tokenHash, expectedSha256, lengthDeferred, mode, owner);
    }

    /**
     * This upload with exactly the blocks of {@code staged} received: a direct transfer's view once the blob
     * storage said which blocks it holds with their planned sizes (the storage, not the metadata store, is the
     * record of a direct transfer's blocks). Nothing else changes.
     *
     * @throws IllegalArgumentException if a block of {@code staged} is outside the plan
     */
    public UploadSession withReceivedBlocks(BitSet staged) {
        return new UploadSession(id, fileName, contentType, plan, staged, state, createdAt, updatedAt, expiresAt,
                tokenHash, expectedSha256, lengthDeferred, transfer, owner);
    }

    /** An upload as a store kept it, with its {@link #owner()}. */
    public static UploadSession restore(UploadId id, FileName fileName, String contentType, ChunkPlan plan,
                                        BitSet received, UploadState state, Instant createdAt, Instant updatedAt,
                                        Instant expiresAt, String tokenHash, Optional<String> expectedSha256,
                                        boolean lengthDeferred, Optional<String> owner) {
        return restore(id, fileName, contentType, plan, received, state, createdAt, updatedAt, expiresAt, tokenHash,
                expectedSha256, lengthDeferred, TransferMode.PROXY, owner);
    }

    /** An upload as a store kept it, with its {@link TransferMode} and its {@link #owner()}. */
    public static UploadSession restore(UploadId id, FileName fileName, String contentType, ChunkPlan plan,
                                        BitSet received, UploadState state, Instant createdAt, Instant updatedAt,
                                        Instant expiresAt, String tokenHash, Optional<String> expectedSha256,
                                        boolean lengthDeferred, TransferMode transfer, Optional<String> owner) {
        return new UploadSession(id, fileName, contentType, plan, received, state, createdAt, updatedAt,
                expiresAt, tokenHash, expectedSha256, lengthDeferred, transfer, owner);
    }

    /**
     * This upload as belonging to {@code owner}, the subject of the signed-in caller who started it (empty: no one
     * signed in; the upload token is then its only key).
     *
     * @throws IllegalArgumentException if {@code owner} is empty text, longer than {@value #MAX_OWNER_LENGTH}
     *         characters or holds control characters
     */
    public UploadSession withOwner(Optional<String> owner) {
        return new UploadSession(id, fileName, contentType, plan, received, state, createdAt, updatedAt, expiresAt,
                tokenHash, expectedSha256, lengthDeferred, transfer, owner);
    }

    /**
     * This new upload with its length deferred: its plan is for the largest file allowed (so its block size is
     * fixed from the start) until {@link #withDeclaredLength} cuts it to the length declared.
     */
    public UploadSession withLengthDeferred() {
        if (!received.isEmpty()) {
            throw new IllegalStateException("the length of an upload that received blocks cannot be deferred");
        }
        return new UploadSession(id, fileName, contentType, plan, received, state, createdAt, updatedAt, expiresAt,
                tokenHash, expectedSha256, true, transfer, owner);
    }

    /**
     * This upload with its deferred length declared as {@code length}: its plan cut to that size, same blocks.
     *
     * @throws TooLarge if {@code length} is over the plan's size
     * @throws LengthMismatch if a block past {@code length} was received
     * @throws IllegalStateException if the length is not deferred
     */
    public UploadSession withDeclaredLength(long length) {
        if (!lengthDeferred) {
            throw new IllegalStateException("the length of upload " + id + " is known already");
        }
        if (length > plan.fileSize()) {
            throw new TooLarge("A file", length, plan.fileSize());
        }
        ChunkPlan declared = plan.truncatedTo(length);
        if (received.length() > declared.blockCount()) {
            throw new LengthMismatch(id.value(), -1, length);
        }
        return new UploadSession(id, fileName, contentType, declared, received, state, createdAt, updatedAt, expiresAt,
                tokenHash, expectedSha256, false, transfer, owner);
    }

    /**
     * Checks that chunk {@code index} may be sent now and returns its exact length.
     *
     * @throws Expired if the upload expired (by state, or idle past {@code expiresAt})
     * @throws NotActive if the upload is completing, completed or aborted, or its length is deferred (its chunks
     *         are not planned until the length is known; it takes appends by offset meanwhile)
     * @throws dev.largeupload.domain.error.UploadException.ChunkOutOfRange if the index is outside the plan
     */
    public long requireAcceptsChunk(long index, Instant now) {
        requireActive(now);
        if (lengthDeferred) {
            throw new NotActive("Upload " + id + " has no length yet, so no chunks: it takes appends by offset until"
                    + " its length is declared.");
        }
        return plan.lengthOf(index);
    }

    /** @throws Expired or {@link NotActive} unless the upload is active and not idle past its expiry */
    public void requireActive(Instant now) {
        if (isExpiredAt(now)) {
            throw new Expired(id.value());
        }
        if (state != UploadState.ACTIVE) {
            throw new NotActive("Upload " + id + " is " + state.name().toLowerCase(Locale.ROOT)
                    + (state == UploadState.COMPLETING ? "; its completion is in progress" : "")
                    + " and accepts no more chunks.");
        }
    }

    /** Whether the upload has expired, either by its state or because it is active and idle past its expiry. */
    public boolean isExpiredAt(Instant now) {
        return state == UploadState.EXPIRED || (state == UploadState.ACTIVE && !now.isBefore(expiresAt));
    }

    /** This upload with block {@code block} marked as received. */
    public UploadSession withBlockReceived(int block, Instant now, Instant newExpiry) {
        plan.blockLength(block);
        BitSet next = (BitSet) received.clone();
        next.set(block);
        return new UploadSession(id, fileName, contentType, plan, next, state, createdAt, now, newExpiry,
                tokenHash, expectedSha256, lengthDeferred, transfer, owner);
    }

    /** This upload in state {@code next}; refuses a change the state machine does not allow. */
    public UploadSession transitionTo(UploadState next, Instant now) {
        if (!state.canBecome(next)) {
            throw new IllegalStateException("an upload cannot go from " + state + " to " + next);
        }
        return new UploadSession(id, fileName, contentType, plan, received, next, createdAt, now, expiresAt,
                tokenHash, expectedSha256, lengthDeferred, transfer, owner);
    }

    /**
     * Whether {@code caller} may see this upload at all: an administrator sees every upload, a signed-in caller
     * those it owns, and an upload without an owner (started while no one was signed in) is seen by everyone, its
     * token being its only key. To anyone else the upload does not exist.
     */
    public boolean isVisibleTo(Caller caller) {
        return caller.admin() || owner.isEmpty() || owner.equals(caller.subject());
    }

    /** Whether {@code token} is this upload's token (constant-time). */
    public boolean isOwnedBy(String token) {
        return UploadToken.matches(token, tokenHash);
    }

    /** The indexes of the chunks not yet received whole, in ascending order. */
    public List<Integer> missingChunks() {
        List<Integer> missing = new ArrayList<>();
        for (int chunk = 0; chunk < plan.chunkCount(); chunk++) {
            if (!hasReceived(chunk)) {
                missing.add(chunk);
            }
        }
        return missing;
    }

    /** The indexes of the chunks received whole, in ascending order. */
    public List<Integer> receivedChunks() {
        List<Integer> whole = new ArrayList<>();
        for (int chunk = 0; chunk < plan.chunkCount(); chunk++) {
            if (hasReceived(chunk)) {
                whole.add(chunk);
            }
        }
        return whole;
    }

    /** Whether every block of chunk {@code chunk} has been received. */
    public boolean hasReceived(int chunk) {
        int first = plan.firstBlockOf(chunk);
        int end = first + plan.blockCountOf(chunk);
        return received.nextClearBit(first) >= end;
    }

    /** Whether block {@code block} has been received. */
    public boolean hasReceivedBlock(int block) {
        return received.get(block);
    }

    /**
     * How many bytes at the start of chunk {@code chunk} are held durably: the blocks received from its first
     * one on, without a gap (a multiple of the block size, or the chunk's length when it is whole).
     */
    public long durablePrefixOf(int chunk) {
        int first = plan.firstBlockOf(chunk);
        int end = first + plan.blockCountOf(chunk);
        int gap = Math.min(received.nextClearBit(first), end);
        return gap == end ? plan.lengthOf(chunk) : (gap - first) * plan.blockSize();
    }

    /** The chunks not received whole of which a durable prefix is held, each with that prefix's length, in index order. */
    public List<PartialChunk> partialChunks() {
        List<PartialChunk> partial = new ArrayList<>();
        for (int block = received.nextSetBit(0); block >= 0; block = received.nextSetBit(block + 1)) {
            int chunk = plan.chunkOf(block);
            long prefix = durablePrefixOf(chunk);
            if (prefix > 0 && prefix < plan.lengthOf(chunk)) {
                partial.add(new PartialChunk(chunk, prefix));
            }
            block = plan.firstBlockOf(chunk) + plan.blockCountOf(chunk) - 1;
        }
        return partial;
    }

    /** A chunk of which only the first {@code receivedBytes} are held: the client continues it from there. */
    public record PartialChunk(int chunkIndex, long receivedBytes) {
    }

    /** How many chunks have been received whole. */
    public int receivedCount() {
        int whole = 0;
        for (int chunk = 0; chunk < plan.chunkCount(); chunk++) {
            if (hasReceived(chunk)) {
                whole++;
            }
        }
        return whole;
    }

    /** How many blocks have been received. */
    public int receivedBlockCount() {
        return received.cardinality();
    }

    /** Bytes received so far: the exact lengths of the received blocks. */
    public long receivedBytes() {
        int blocks = plan.blockCount();
        if (blocks == 0) {
            return 0;
        }
        long bytes = (long) received.cardinality() * plan.blockSize();
        return received.get(blocks - 1) ? bytes - plan.blockSize() + plan.blockLength(blocks - 1) : bytes;
    }

    /** Whether every block has arrived (always true for a 0-byte file; never while the length is deferred). */
    public boolean allChunksReceived() {
        return !lengthDeferred && received.cardinality() == plan.blockCount();
    }

    /** Percentage of bytes received, 0 to 100, rounded to two decimals; 100 for a completed upload. */
    public double progressPercentage() {
        if (state == UploadState.COMPLETED) {
            // Whole, whether by its blocks or as a concatenation of other uploads' files.
            return 100.0;
        }
        if (plan.fileSize() == 0) {
            return allChunksReceived() ? 100.0 : 0.0;
        }
        return Math.round(receivedBytes() * 10000.0 / plan.fileSize()) / 100.0;
    }

    public BlobName blobName() {
        return BlobName.of(id);
    }

    public UploadId id() {
        return id;
    }

    public FileName fileName() {
        return fileName;
    }

    public String contentType() {
        return contentType;
    }

    public ChunkPlan plan() {
        return plan;
    }

    /** A copy of the set of received blocks (for a plan made before blocks existed, a block is a chunk). */
    public BitSet received() {
        return (BitSet) received.clone();
    }

    public UploadState state() {
        return state;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public String tokenHash() {
        return tokenHash;
    }

    public Optional<String> expectedSha256() {
        return expectedSha256;
    }

    /**
     * Whether the file's length is not known yet (tus creation-defer-length, an IETF draft upload without a
     * length): the plan is then for the largest file allowed, and the upload cannot complete.
     */
    public boolean lengthDeferred() {
        return lengthDeferred;
    }

    /** How this upload's bytes travel: through this server, or straight to the blob storage. */
    public TransferMode transfer() {
        return transfer;
    }

    /** The subject of the signed-in caller who started this upload; empty when no one was signed in. */
    public Optional<String> owner() {
        return owner;
    }

    @Override
    public String toString() {
        return "UploadSession[" + id + ", " + state + ", " + received.cardinality() + "/" + plan.blockCount() + " blocks]";
    }
}
