package dev.largeupload.domain.port;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.StagingAttempt;
import java.io.InputStream;
import java.util.BitSet;
import java.util.List;

/**
 * Where the bytes of uploads live: chunks are staged one by one, in any order and any number of
 * times, each staging under a {@link StagingAttempt} of its own, then the chosen attempt of every
 * chunk is committed into one blob in chunk order.
 *
 * <p>Every implementation guarantees:
 * <ul>
 *   <li><b>Streaming</b>: a chunk is moved from its stream to storage in bounded memory, whatever its length.</li>
 *   <li><b>All or nothing per chunk</b>: a chunk is staged only when all of its bytes arrived. If
 *       the stream throws (the domain throws {@link UploadException} from {@code read} when the body
 *       is short, long or fails its digest), nothing of that attempt is visible and every other
 *       staging of the same index stays as it was.</li>
 *   <li><b>Attempts apart</b>: a staging never overwrites the bytes of another attempt, of the same
 *       index or not, whichever finishes first, on one server or several; {@link #commit} takes exactly
 *       the attempts it is given, so the committed bytes are those whose digest the caller recorded.
 *       Staging the same attempt twice (which callers do not do) leaves one of the two whole.</li>
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
     * Stages chunk {@code index} of {@code blob} under {@code attempt} from {@code chunk.data()}, reading
     * exactly {@code chunk.length()} bytes. An MD5 in {@code chunk} is the client's; a store that can have
     * its backend verify it again (Azure's transactional MD5) passes it on.
     */
    void stage(BlobName blob, int index, StagingAttempt attempt, ChunkData chunk);

    /**
     * Which chunks of {@code blob} have at least one attempt staged and not yet committed with the length
     * the plan expects (a staged chunk of another length does not count).
     */
    BitSet stagedChunks(BlobName blob, ChunkPlan plan);

    /**
     * Joins the staged chunks 0..n-1, chunk {@code i} as staged by {@code attempts.get(i)}, into the
     * committed blob, atomically: readers see either no blob or the whole of it. Other attempts are
     * discarded. Idempotent: when the blob is already committed with the plan's size, it returns it unchanged.
     *
     * <p>A store that reads the bytes while committing (the filesystem store) computes the file's SHA-256,
     * returns it, and refuses to commit when {@code attributes.sha256()} is given and differs. A store that
     * commits without reading (Azure's Put Block List) returns no digest and keeps the expected one as a label.
     *
     * @param attempts one per chunk of the plan, in index order
     * @throws UploadException.Incomplete if a chunk's attempt is not staged with its planned length (nothing is committed)
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

    /** Discards the committed blob and every staged chunk of {@code blob}; succeeds when there is nothing. */
    void delete(BlobName blob);
}
