package dev.largeupload.domain.port;

import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.BlockId;
import java.time.Instant;
import java.util.Map;

/**
 * An optional capability of a blob store whose storage a client can write to directly (Azure Blob Storage with a
 * credential that can sign a SAS): it grants the staging of one block of one blob, and tells which blocks are
 * staged. A store that offers it is wired next to its {@link BlobStore}; the filesystem store does not.
 *
 * <p>Every implementation guarantees:
 * <ul>
 *   <li><b>One blob, write only</b>: a target lets its holder stage blocks of {@code blob} and nothing else: it
 *       cannot read, list, delete or commit, nor reach any other blob.</li>
 *   <li><b>Short-lived</b>: a target is refused by the storage after its {@code expiresAt} (the grant starts a
 *       little before now, so that a client whose clock is behind can use it at once).</li>
 *   <li><b>Secure transport</b>: the URL is https, except for an emulator endpoint that is http.</li>
 *   <li><b>The storage's word</b>: {@link #stagedBlocks} reports what the storage holds, never what a client said;
 *       the storage verifies each block's {@code Content-MD5} before it holds it.</li>
 *   <li><b>Secret</b>: a target's URL is a credential; implementations never log it.</li>
 *   <li><b>No vendor exceptions</b>: failures surface as
 *       {@link dev.largeupload.domain.error.UploadException.StoreUnavailable}.</li>
 * </ul>
 * A direct transfer stages block {@code i} under {@link BlockId#of(int) BlockId.of(i)} (the one deterministic
 * attempt, {@link dev.largeupload.domain.model.StagingAttempt#LEGACY}), so staging it again replaces it and the
 * commit is {@link BlobStore#commit} with that attempt for every block.
 */
public interface DirectTransfers {

    /** Where and how a client stages block {@code block} of {@code blob} itself, valid until {@code expiresAt}. */
    StagingTarget target(BlobName blob, BlockId block, Instant expiresAt);

    /**
     * The blocks of {@code blob} staged and not committed under ids {@link BlockId#of(int)} made, by block index,
     * with their sizes in bytes as the storage reports them; empty when there is no such blob or block.
     */
    Map<Integer, Long> stagedBlocks(BlobName blob);
}
