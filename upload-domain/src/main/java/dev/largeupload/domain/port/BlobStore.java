package dev.largeupload.domain.port;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.StagingAttempt;
import java.io.InputStream;
import java.util.List;

/**
 * Where the bytes of uploads live: blocks (see {@link ChunkPlan}) are staged one by one, in any order and
 * any number of times, each staging under a {@link StagingAttempt}, then every block is committed into one
 * blob in block order.
 *
 * <p>Every implementation guarantees:
 * <ul>
 *   <li><b>Streaming</b>: a block is moved from its stream to storage in bounded memory, whatever its length.</li>
 *   <li><b>Durable when asked</b>: when {@link BlockStaging#makeDurable} returns, the block's bytes survive a crash
 *       of this server (and, for a remote store, are held by the store).</li>
 *   <li><b>Whole blocks only</b>: a block counts only when all of its bytes arrived. If the stream throws (the
 *       domain throws {@link UploadException} from {@code read} when the body is short, long or fails its
 *       digest), the block is not staged by that attempt.</li>
 *   <li><b>One writer per block</b>: while a {@link BlockStaging} is open, no other staging of the same block
 *       of the same blob, on this server or another sharing the storage, can change the bytes that a commit
 *       of that block would take: a store that writes in place waits in {@link #openBlock} until the block
 *       is free; a store that keeps attempts apart (Azure's block ids) needs no wait. So the caller that
 *       checks, writes and records a block while its staging is open records the digest of the bytes kept.</li>
 *   <li><b>Idempotent</b>: committing again after a commit succeeded changes nothing; deleting what is
 *       gone succeeds.</li>
 *   <li><b>Thread-safe</b>, and safe when several servers share the same storage.</li>
 *   <li><b>No vendor exceptions</b>: failures of the storage itself surface as
 *       {@link UploadException.StoreUnavailable}, absence as {@link UploadException.NotFound}.</li>
 * </ul>
 */
public interface BlobStore {

    /**
     * Returns when the storage answers a trivial request (nothing written), for readiness checks. It may
     * block as long as the storage's own timeouts allow; a caller that needs an answer sooner runs it on a
     * thread of its own.
     *
     * @throws UploadException.StoreUnavailable if the storage cannot be reached, refuses access, or is missing
     */
    void checkAvailable();

    /**
     * Opens the staging of block {@code block} of {@code blob} (planned by {@code plan}) under {@code attempt},
     * waiting while another staging of the same block is open where the store writes in place. The caller
     * writes at most once and closes it.
     *
     * @throws IllegalArgumentException if the block is outside the plan
     */
    BlockStaging openBlock(BlobName blob, ChunkPlan plan, int block, StagingAttempt attempt);

    /** Stages block {@code block} whole and durably from {@code data} under {@code attempt}: open, write, make durable, close. */
    default void stage(BlobName blob, ChunkPlan plan, int block, StagingAttempt attempt, BlockData data) {
        try (BlockStaging staging = openBlock(blob, plan, block, attempt)) {
            staging.write(data);
            staging.makeDurable();
        }
    }

    /**
     * Makes the staged blocks 0..n-1 the committed blob, block {@code i} as staged by {@code attempts.get(i)}
     * (a store that writes in place has one copy of each block and ignores them), atomically: readers see
     * either no blob or the whole of it. The caller commits only blocks it recorded as staged; a store does
     * not read the bytes to commit them, so a commit costs O(blocks), never O(bytes). Idempotent: when the
     * blob is already committed with the plan's size, it returns it unchanged.
     *
     * <p>When {@code attributes.sha256()} is given, a store that can read its staged bytes (the filesystem)
     * computes the file's SHA-256 by one sequential read, returns it, and refuses to commit when it differs; a
     * store that cannot (Azure's Put Block List) returns no digest and keeps the expected one as a label.
     * Without it, no store reads the bytes.
     *
     * @param attempts one per block of the plan, in index order
     * @throws UploadException.Incomplete if the store can tell that a block is not staged (nothing is committed)
     * @throws UploadException.ChecksumMismatch if the store computed the file's SHA-256 and it is not the
     *         expected one (nothing is committed)
     */
    CommittedBlob commit(BlobName blob, ChunkPlan plan, List<StagingAttempt> attempts, BlobAttributes attributes);

    /**
     * Opens {@code length} bytes of the committed blob starting at {@code offset}; the caller closes the stream.
     *
     * @throws UploadException.NotFound if there is no committed blob of that name
     */
    InputStream openCommitted(BlobName blob, long offset, long length);

    /** Discards the committed blob and every staged block of {@code blob}; succeeds when there is nothing. */
    void delete(BlobName blob);
}
