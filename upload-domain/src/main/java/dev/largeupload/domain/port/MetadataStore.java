package dev.largeupload.domain.port;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Where the state of uploads lives: the session, its received blocks and its life-cycle state. A block is the
 * durable unit of an upload's {@link dev.largeupload.domain.model.ChunkPlan} (for a plan made before blocks
 * existed, a block is a chunk); the session's plan, block size included, is kept as it was created.
 *
 * <p>Every implementation guarantees:
 * <ul>
 *   <li><b>Durable once returned</b>: what a call reported as done survives a crash of this server.</li>
 *   <li><b>Atomic and idempotent block recording</b>: recording the same block twice, or from many
 *       threads or servers at once, leaves it recorded once; a block is recorded only while the
 *       upload is {@link UploadState#ACTIVE}, serialised with state changes.</li>
 *   <li><b>Digest and attempt together</b>: a block's SHA-256 and the {@link dev.largeupload.domain.model.StagingAttempt}
 *       whose bytes it is the digest of are written and replaced in one atomic step, so no reader (nor a crash)
 *       ever pairs the digest of one body with the attempt of another; of concurrent records of one index
 *       the last wins whole.</li>
 *   <li><b>Compare-and-set state changes</b>: of any number of concurrent callers (threads or
 *       servers sharing the store) asking for the same change, exactly one succeeds.</li>
 *   <li><b>No vendor exceptions</b>: a store that cannot be reached throws
 *       {@link UploadException.StoreUnavailable}.</li>
 * </ul>
 * The JDBC and Redis stores are safe for several server instances at once; a file store is for one host.
 *
 * <p><b>Events</b>: {@link #create(UploadSession, UploadEvent)}, {@link #createWithinLimit(UploadSession, int, Instant,
 * UploadEvent)} and {@link #compareAndSetState(UploadId, UploadState, UploadState, Instant, UploadEvent)} make their
 * change and add the event to {@link #outbox()} as one atomic step: after a crash at any moment, either both are
 * there or neither (a transactional outbox), so an event hook never misses a change nor hears of one that did not
 * happen.
 */
public interface MetadataStore {

    /**
     * Returns when the store answers a trivial request (one round trip, nothing written), for readiness
     * checks. It may block as long as the store's own timeouts allow; a caller that needs an answer
     * sooner runs it on a thread of its own.
     *
     * @throws UploadException.StoreUnavailable if the store cannot be reached or refuses to answer
     */
    void checkAvailable();

    /** Saves a new session, however many uploads are active. @throws IllegalStateException if one with the same id exists */
    void create(UploadSession session);

    /**
     * Saves a new session only while fewer than {@code limit} uploads are {@link UploadState#ACTIVE} and not yet
     * expired at {@code now} (those that {@link #countActive} counts), as one atomic step: creations through this
     * method are serialised with each other, on every thread and every server sharing the store, so that of any
     * number of concurrent calls against the same limit no more succeed than leave {@code limit} uploads active.
     * How each store serialises them: one Lua script (Redis), a row lock on one admission row (JDBC), a
     * lock held across the count and the write (files, in-memory).
     *
     * <p>Only creations are serialised: an upload that becomes active again meanwhile (a failed completion puts
     * it back from {@code COMPLETING} to {@code ACTIVE}) was counted when it was created and may take the count
     * over the limit for a while; new creations are refused until it is below again.
     *
     * @return whether the session was saved; {@code false}, with nothing saved, when {@code limit} uploads are
     *         active already
     * @throws IllegalArgumentException if {@code limit} is less than 1
     * @throws IllegalStateException if one with the same id exists
     */
    boolean createWithinLimit(UploadSession session, int limit, Instant now);

    /**
     * {@link #create(UploadSession)}, and {@code event} added to {@link #outbox()} in the same atomic step (one
     * transaction, one script, one file replaced).
     *
     * @throws IllegalStateException if one with the same id exists (and no event is added)
     */
    void create(UploadSession session, UploadEvent event);

    /**
     * {@link #createWithinLimit(UploadSession, int, Instant)}, and {@code event} added to {@link #outbox()} in the
     * same atomic step when, and only when, the session is saved.
     */
    boolean createWithinLimit(UploadSession session, int limit, Instant now, UploadEvent event);

    /** The session with its received blocks, if it exists. */
    Optional<UploadSession> find(UploadId id);

    /**
     * Records that block {@code receipt.index()} of upload {@code id} has been staged by {@code receipt.attempt()},
     * with the SHA-256 of those bytes, and pushes the upload's expiry to {@code receipt.expiresAt()}. Recording
     * an index again keeps it counted once and replaces its digest and attempt together (another body was
     * staged for it).
     *
     * @return how many blocks the upload has received, this one included
     * @throws UploadException.NotFound if there is no such upload
     * @throws UploadException.NotActive if the upload is not {@link UploadState#ACTIVE}
     * @throws IllegalArgumentException if the index is past the plan's last block (the caller checks it first)
     */
    int recordBlock(UploadId id, BlockReceipt receipt);

    /** The indexes of the blocks received, as a set. @throws UploadException.NotFound if there is no such upload */
    BitSet receivedBlocks(UploadId id);

    /**
     * Whether block {@code index} of upload {@code id} is recorded, as of now (one cheap read: a bit, a row),
     * for a caller that must not overwrite a block whose digest is recorded. An index past the plan's last block is
     * not recorded.
     *
     * @throws UploadException.NotFound if there is no such upload
     * @throws IllegalArgumentException if {@code index} is negative
     */
    boolean hasBlock(UploadId id, int index);

    /**
     * The digest and staging attempt of every recorded block, by index, in index order, each pair as one
     * record wrote it. A block recorded by an older version that kept no digest is absent (its bytes are
     * those of {@link dev.largeupload.domain.model.StagingAttempt#LEGACY}); one recorded with a digest but
     * before attempts were kept has the legacy attempt.
     *
     * @throws UploadException.NotFound if there is no such upload
     */
    SortedMap<Integer, RecordedBlock> recordedBlocks(UploadId id);

    /**
     * Changes the state of upload {@code id} from {@code expected} to {@code next}, only if it is
     * {@code expected} now.
     *
     * @return whether this call made the change
     */
    boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at);

    /**
     * {@link #compareAndSetState(UploadId, UploadState, UploadState, Instant)}, and {@code event} added to
     * {@link #outbox()} in the same atomic step when, and only when, this call makes the change.
     */
    boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at, UploadEvent event);

    /** The outbox that the event-writing methods fill, on the same backend (shared by every server sharing it). */
    EventOutbox outbox();

    /**
     * Declares the length of upload {@code id}, whose length was deferred: saves {@code declared} as its plan (its
     * plan cut to the length, {@link ChunkPlan#truncatedTo}: same chunk and block
     * size) and marks the length known, in one atomic step, only while the upload is {@link UploadState#ACTIVE},
     * its length still deferred and its block size {@code declared.blockSize()}. The caller checks first that no
     * block past the declared plan's last was received ({@link UploadSession#withDeclaredLength}).
     *
     * @return whether this call declared it; {@code false}, with nothing changed, otherwise
     * @throws UploadException.NotFound if there is no such upload
     */
    boolean declareLength(UploadId id, ChunkPlan declared);

    /** Removes the upload and its block records; succeeds when there is nothing. */
    void delete(UploadId id);

    /** Up to {@code limit} ids of active uploads whose expiry is at or before {@code now}. */
    List<UploadId> listExpired(Instant now, int limit);

    /**
     * Up to {@code limit} ids of uploads that ended without a file ({@link UploadState#EXPIRED} or
     * {@link UploadState#ABORTED}) and whose last change is at or before {@code changedBefore}: records
     * kept so far only to answer "expired", which a periodic job may now remove. A store may also list
     * ids whose record is already gone, so that their data can be discarded too.
     */
    List<UploadId> listFinished(Instant changedBefore, int limit);

    /**
     * How many uploads are {@link UploadState#ACTIVE} and not yet expired at {@code now}, exact at the moment of
     * the call (for metrics; a cap on it is {@link #createWithinLimit}, which counts and creates in one step).
     */
    int countActive(Instant now);

    /**
     * The {@link AppendState} of upload {@code id} (its labels and partial block), if one was saved.
     *
     * @throws UploadException.NotFound if there is no such upload
     */
    Optional<AppendState> appendState(UploadId id);

    /**
     * Saves {@code next} as the append state of upload {@code id} only if the revision held now is
     * {@code expectedRevision} (0: none is held yet), as one atomic step on every thread and server sharing the
     * store; {@link #delete} removes it with the upload.
     *
     * @return whether this call saved it; {@code false}, with nothing changed, when another revision is held
     * @throws UploadException.NotFound if there is no such upload
     * @throws IllegalArgumentException unless {@code next.revision()} is {@code expectedRevision + 1}
     */
    boolean replaceAppendState(UploadId id, long expectedRevision, AppendState next);

    /**
     * Saves a new session that has an {@link UploadSession#owner()} only while, counted at {@code now} as
     * {@link #countActive} counts, its owner's active uploads stay within {@code quota} (fewer than
     * {@code quota.maxUploads()}, and their bytes plus this one's file size at most {@code quota.maxBytes()}; 0: no
     * limit) and, when {@code maxActive} is above 0, fewer than {@code maxActive} uploads are active on the server;
     * the decision is {@link Admission#decide}. One atomic step, serialised with every other
     * {@code createWithinQuota} and {@link #createWithinLimit} on every thread and server sharing the store (the
     * same lock, script or admission row), so that concurrent creations never take an owner over the quota.
     *
     * @return what was decided, with the owner's usage before this upload; nothing saved unless created
     * @throws IllegalArgumentException if the session has no owner, or {@code maxActive} is negative
     * @throws IllegalStateException if one with the same id exists
     */
    Admission createWithinQuota(UploadSession session, OwnerQuota quota, int maxActive, Instant now);

    /**
     * {@link #createWithinQuota(UploadSession, OwnerQuota, int, Instant)}, and {@code event} added to {@link #outbox()}
     * in the same atomic step when, and only when, the session is saved.
     */
    Admission createWithinQuota(UploadSession session, OwnerQuota quota, int maxActive, Instant now, UploadEvent event);

    /** What {@code owner} holds in uploads active at {@code now}, exact at the moment of the call. */
    OwnerUsage usageOf(String owner, Instant now);

    /**
     * Up to {@code limit} sessions, newest first (creation time, then id, both descending), owned by {@code owner}
     * (empty: every upload, for an administrator), each strictly after {@code after} when given. Served from an
     * index by owner and creation time (a scan of the files for the file store), never by reading every upload of
     * every owner; sessions of any state are listed, as long as their records are kept.
     *
     * @throws IllegalArgumentException if {@code limit} is less than 1
     */
    List<UploadSession> listNewestFirst(Optional<String> owner, Optional<ListPosition> after, int limit);
}
