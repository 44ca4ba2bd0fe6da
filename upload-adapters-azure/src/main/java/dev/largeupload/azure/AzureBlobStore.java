package dev.largeupload.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockList;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlobInputStream;
import com.azure.storage.blob.specialized.BlockBlobClient;
import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.error.UploadException.Incomplete;
import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.InvalidArgument.Field;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.BlockId;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.port.BlobAttributes;
import dev.largeupload.domain.port.BlobStore;
import dev.largeupload.domain.port.BlockData;
import dev.largeupload.domain.port.BlockStaging;
import dev.largeupload.domain.port.CommittedBlob;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link BlobStore} on Azure block blobs: each staging attempt of block {@code i} (of the upload's
 * {@link ChunkPlan}) is the Azure block {@link BlockId#of(int, StagingAttempt) BlockId.of(i, attempt)} of one
 * block blob, staged by one Put Block, and completing the upload is one Put Block List of the given attempts
 * of blocks 0..n-1 in order (Azure discards the other uncommitted blocks). A chunk request of several blocks
 * is several Put Blocks, so a body cut off keeps the blocks staged before the cut. The blob's name is the
 * container's optional prefix (such as {@code uploads/}) followed by {@link BlobName#value()}, which is
 * derived from the upload id and never from anything a user typed.
 *
 * <p>How it keeps the port's promises:
 * <ul>
 *   <li><b>Streaming</b>: a block goes to Put Block as a stream of known length and is never
 *       buffered; the SDK does not retry it (it could only by buffering), the client sends it again.
 *       Reads are ranged and fetched a few MiB at a time.</li>
 *   <li><b>Whole blocks only</b>: Azure keeps a block only when its whole body arrived (and matched its
 *       transactional Content-MD5, which Azure checks itself when the {@link BlockData} carries one).</li>
 *   <li><b>One writer per block, without waiting</b>: every attempt has a block id of its own, all of one
 *       length (40 characters), so concurrent stagings of one block never replace each other's bytes and
 *       {@link #openBlock} returns at once. A blob whose blocks were staged by a version before attempts
 *       (16-character ids) cannot take a block of the new length: Azure refuses it, and the block is
 *       answered {@link NotActive} (the upload has to start again).</li>
 *   <li><b>Atomic, idempotent commit</b>: one Get Block List tells which attempts are staged (a missing
 *       one is {@link Incomplete}, naming its chunk), then one Put Block List makes the whole blob visible
 *       at once and discards every uncommitted block; no byte is read. A commit whose blob already has the
 *       planned size and no staged blocks returns it unchanged. The SHA-256 of the file is not computed
 *       (Azure cannot), only kept as a label.</li>
 *   <li><b>Delete</b> removes the committed blob with its uncommitted blocks and its pieces ({@link AzurePieceStore}); blocks of a blob that
 *       was never committed, which Azure's Delete Blob does not reach, are discarded by committing an
 *       empty block list (only where no committed blob exists) and deleting that empty blob.</li>
 *   <li><b>Thread-safe and multi-instance</b>: it holds no state but the clients; Azure orders
 *       concurrent writes.</li>
 *   <li><b>Errors</b>: see {@link AzureErrors}. The content type and, as metadata, the upload id,
 *       the URL-encoded file name and the SHA-256 (when known) label the committed blob.</li>
 * </ul>
 */
public final class AzureBlobStore implements BlobStore {

    static final int READ_BLOCK_SIZE = 4 * 1024 * 1024;

    private final BlobContainerClient container;
    private final BlobContainerClient staging;
    private final String prefix;

    /**
     * A store in {@code container}, which must exist. {@code staging} is a client of the same
     * container whose retry policy makes one try only (see {@link AzureBlobStoreFactory}).
     */
    public AzureBlobStore(BlobContainerClient container, BlobContainerClient staging, String prefix) {
        this.container = Objects.requireNonNull(container, "container");
        this.staging = Objects.requireNonNull(staging, "staging");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    /** Reads the container's properties through the one-try client: a missing container counts as unavailable. */
    @Override
    public void checkAvailable() {
        call("read the container's properties", () -> staging.getPropertiesWithResponse(null, null, Context.NONE));
    }

    /**
     * Opens the staging of {@code block} under {@code attempt}: its own block id, so it needs no wait; {@link
     * BlockStaging#write} is one Put Block of the block's bytes.
     */
    @Override
    public BlockStaging openBlock(BlobName blob, ChunkPlan plan, int block, StagingAttempt attempt) {
        long length = plan.blockLength(block);
        int chunk = plan.chunkOf(block);
        BlockId id = BlockId.of(block, attempt);
        return new BlockStaging() {
            private boolean written;

            @Override
            public void write(BlockData data) {
                if (written) {
                    throw new IllegalStateException("block " + block + " of " + blob + " was written already");
                }
                written = true;
                if (data.length() != length) {
                    throw new IllegalArgumentException("block " + block + " is " + length + " bytes, not " + data.length());
                }
                stageBlock(blob, chunk, block, id, attempt, data);
            }

            @Override
            public void makeDurable() {
                if (!written) {
                    throw new IllegalStateException("block " + block + " of " + blob + " was not written");
                }
                // Azure holds a block once Put Block answered.
            }

            @Override
            public void close() {
                // Each attempt has a block of its own: there is nothing to release.
            }
        };
    }

    /** One Put Block of exactly {@code data.length()} bytes streamed from the client, never buffered. */
    private void stageBlock(BlobName blob, int chunk, int block, BlockId id, StagingAttempt attempt, BlockData data) {
        InputStream body = new ExactLengthStream(data.data(), chunk, data.length());
        BlockBlobStageBlockOptions options = new BlockBlobStageBlockOptions(id.value(),
                BinaryData.fromStream(body, data.length()));
        data.md5().ifPresent(md5 -> options.setContentMd5(md5.clone()));
        try {
            blockBlob(staging, blob).stageBlockWithResponse(options, null, Context.NONE);
        } catch (RuntimeException e) {
            if (AzureErrors.isInvalidBlockId(e) && !attempt.isLegacy()) {
                throw new NotActive("Upload " + blob.value() + " was begun by an older version of this service, whose"
                        + " block ids Azure cannot mix with this version's in one blob; delete it and upload the file again.");
            }
            throw AzureErrors.translate(e, "store block " + block + " of " + blob);
        }
    }

    @Override
    public CommittedBlob commit(BlobName blob, ChunkPlan plan, List<StagingAttempt> attempts, BlobAttributes attributes) {
        if (attempts.size() != plan.blockCount()) {
            throw new IllegalArgumentException(attempts.size() + " staging attempts for " + plan.blockCount() + " blocks");
        }
        Optional<BlockList> blocks = blockList(blob, BlockListType.ALL);
        List<Block> uncommitted = blocks.map(BlockList::getUncommittedBlocks).orElse(List.of());
        if (blocks.isPresent() && uncommitted.isEmpty()) {
            Optional<BlobProperties> committed = properties(blob);
            if (committed.isPresent() && committed.get().getBlobSize() == plan.fileSize()) {
                return new CommittedBlob(plan.fileSize(), Optional.empty());
            }
        }
        Map<String, Long> sizes = new HashMap<>();
        uncommitted.forEach(block -> sizes.put(block.getName(), block.getSizeLong()));
        List<Integer> missing = new ArrayList<>();
        List<String> ids = new ArrayList<>(plan.blockCount());
        for (int index = 0; index < plan.blockCount(); index++) {
            String id = BlockId.of(index, attempts.get(index)).value();
            if (!Long.valueOf(plan.blockLength(index)).equals(sizes.get(id))) {
                missing.add(index);
            }
            ids.add(id);
        }
        if (!missing.isEmpty()) {
            throw new Incomplete(chunksOf(plan, missing));
        }
        BlockBlobCommitBlockListOptions options = new BlockBlobCommitBlockListOptions(ids)
                .setHeaders(new BlobHttpHeaders().setContentType(attributes.contentType()))
                .setMetadata(metadata(attributes));
        call("commit " + blob, () -> blockBlob(container, blob).commitBlockListWithResponse(options, null, Context.NONE));
        return new CommittedBlob(plan.fileSize(), Optional.empty());
    }

    @Override
    public InputStream openCommitted(BlobName blob, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw outside(offset, length, -1);
        }
        if (length == 0) {
            long size = properties(blob).orElseThrow(() -> new NotFound(blob.value())).getBlobSize();
            if (offset > size) {
                throw outside(offset, length, size);
            }
            return InputStream.nullInputStream();
        }
        BlobInputStreamOptions options = new BlobInputStreamOptions()
                .setRange(new BlobRange(offset, length))
                .setBlockSize(READ_BLOCK_SIZE);
        BlobInputStream in;
        try {
            in = container.getBlobClient(name(blob)).openInputStream(options, Context.NONE);
        } catch (RuntimeException e) {
            throw AzureErrors.isNotFound(e) ? new NotFound(blob.value()) : AzureErrors.translate(e, "open " + blob);
        }
        long size = in.getProperties().getBlobSize();
        if (offset > size || length > size - offset) {
            close(in);
            throw outside(offset, length, size);
        }
        return in;
    }

    @Override
    public void delete(BlobName blob) {
        call("delete " + blob, () -> blockBlob(container, blob).deleteIfExistsWithResponse(null, null, null, Context.NONE));
        if (blockList(blob, BlockListType.UNCOMMITTED).isPresent()) {
            discardUncommitted(blob);
        }
        pieces().deletePieces(blob);
    }

    /** The client of the container (with retries), for the capabilities built beside this store. */
    BlobContainerClient container() {
        return container;
    }

    /**
     * The origin ({@code scheme://host[:port]}) of the storage account's blob endpoint: where a client of a direct
     * transfer sends its blocks, so the page's Content-Security-Policy lets it connect there.
     */
    public String endpointOrigin() {
        java.net.URI url = java.net.URI.create(container.getBlobContainerUrl());
        return url.getScheme() + "://" + url.getRawAuthority();
    }

    /** The {@link dev.largeupload.domain.port.PieceStore} of this store's blobs, on the same clients. */
    public AzurePieceStore pieces() {
        return new AzurePieceStore(container, staging, prefix);
    }

    /**
     * Discards the uncommitted blocks of a blob that has no committed version. Azure answers 404 to
     * Delete Blob for such a blob (Azurite deletes it), so an empty block list is committed first,
     * which drops every uncommitted block, and the empty blob is deleted. "If-None-Match: *" keeps
     * the empty commit from ever replacing a committed blob.
     */
    void discardUncommitted(BlobName blob) {
        BlockBlobClient client = blockBlob(container, blob);
        BlockBlobCommitBlockListOptions empty = new BlockBlobCommitBlockListOptions(List.of())
                .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*"));
        try {
            client.commitBlockListWithResponse(empty, null, Context.NONE);
        } catch (RuntimeException e) {
            if (!AzureErrors.isConflict(e)) {
                throw AzureErrors.translate(e, "delete " + blob);
            }
            // A committed blob appeared meanwhile: deleting it removes its blocks too.
        }
        call("delete " + blob, () -> client.deleteIfExistsWithResponse(null, null, null, Context.NONE));
    }

    private Optional<BlockList> blockList(BlobName blob, BlockListType type) {
        try {
            return Optional.of(blockBlob(container, blob).listBlocksWithResponse(type, null, null, Context.NONE).getValue());
        } catch (RuntimeException e) {
            if (AzureErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw AzureErrors.translate(e, "list the blocks of " + blob);
        }
    }

    private Optional<BlobProperties> properties(BlobName blob) {
        try {
            return Optional.of(container.getBlobClient(name(blob)).getProperties());
        } catch (RuntimeException e) {
            if (AzureErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw AzureErrors.translate(e, "read the properties of " + blob);
        }
    }

    /** The chunks (in order, each once) that blocks {@code blocks} (in order) belong to. */
    private static List<Integer> chunksOf(ChunkPlan plan, List<Integer> blocks) {
        return blocks.stream().map(plan::chunkOf).distinct().toList();
    }

    /** The block index of a block id, when it is one that {@link BlockId#of(int, StagingAttempt)} made. */
    static Optional<Integer> indexOf(String blockId) {
        return BlockId.parse(blockId).map(BlockId.Parsed::index);
    }

    private static Map<String, String> metadata(BlobAttributes attributes) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("uploadid", attributes.uploadId().value());
        // Azure metadata values must be ASCII; file names are not.
        metadata.put("filename", URLEncoder.encode(attributes.fileName().value(), StandardCharsets.UTF_8));
        attributes.sha256().ifPresent(sha -> metadata.put("sha256", sha));
        return metadata;
    }

    private BlockBlobClient blockBlob(BlobContainerClient client, BlobName blob) {
        return client.getBlobClient(name(blob)).getBlockBlobClient();
    }

    String name(BlobName blob) {
        return prefix + blob.value();
    }

    private static <T> T call(String action, Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw AzureErrors.translate(e, action);
        }
    }

    private static InvalidArgument outside(long offset, long length, long size) {
        return new InvalidArgument(Field.RANGE, "Bytes " + offset + " to " + (offset + length)
                + (size < 0 ? " are not a valid range." : " are outside a file of " + size + " bytes."));
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (java.io.IOException | RuntimeException e) {
            // Nothing was read from it; the failure being reported matters more.
        }
    }
}
