package dev.largeupload.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.specialized.BlobInputStream;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.port.PieceStore;
import java.io.InputStream;
import java.util.Locale;
import java.util.Objects;

/**
 * The pieces of {@link PieceStore} on Azure: Azure cannot read back an uncommitted block, so each piece is a small
 * block blob of its own, {@code <prefix><blob>.pieces/<block>-<attempt>} (a blob name has no dot, so no piece name is
 * ever an upload's blob), written by one Put Blob streamed from the request through the one-try client (a stream
 * cannot be replayed), and read back with a ranged, streaming read. Durable once Put Blob answered.
 * {@link AzureBlobStore#delete} discards a blob's pieces with it.
 */
public final class AzurePieceStore implements PieceStore {

    private static final int READ_BLOCK_SIZE = 4 * 1024 * 1024;

    private final BlobContainerClient container;
    private final BlobContainerClient staging;
    private final String prefix;

    /** Pieces in the container of {@code container} and {@code staging} (see {@link AzureBlobStore}), under {@code prefix}. */
    public AzurePieceStore(BlobContainerClient container, BlobContainerClient staging, String prefix) {
        this.container = Objects.requireNonNull(container, "container");
        this.staging = Objects.requireNonNull(staging, "staging");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    private String piecesOf(BlobName blob) {
        return prefix + blob.value() + ".pieces/";
    }

    private String piece(BlobName blob, int block, StagingAttempt attempt) {
        return piecesOf(blob) + String.format(Locale.ROOT, "%06d-%s", block, attempt.hex());
    }

    @Override
    public void writePiece(BlobName blob, int block, StagingAttempt attempt, InputStream data, long length) {
        InputStream body = new ExactLengthStream(data, block, length);
        BlockBlobSimpleUploadOptions options = new BlockBlobSimpleUploadOptions(BinaryData.fromStream(body, length));
        try {
            staging.getBlobClient(piece(blob, block, attempt)).getBlockBlobClient()
                    .uploadWithResponse(options, null, Context.NONE);
        } catch (RuntimeException e) {
            throw AzureErrors.translate(e, "store a piece of block " + block + " of " + blob);
        }
    }

    @Override
    public InputStream openPiece(BlobName blob, int block, StagingAttempt attempt, long length) {
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        BlobInputStreamOptions options = new BlobInputStreamOptions().setRange(new BlobRange(0, length))
                .setBlockSize(READ_BLOCK_SIZE);
        BlobInputStream in;
        try {
            in = container.getBlobClient(piece(blob, block, attempt)).openInputStream(options, Context.NONE);
        } catch (RuntimeException e) {
            throw AzureErrors.isNotFound(e) ? new NotFound(blob.value()) : AzureErrors.translate(e, "open a piece of " + blob);
        }
        if (in.getProperties().getBlobSize() < length) {
            throw new NotFound(blob.value());
        }
        return in;
    }

    @Override
    public void deletePiece(BlobName blob, int block, StagingAttempt attempt) {
        try {
            container.getBlobClient(piece(blob, block, attempt)).deleteIfExists();
        } catch (RuntimeException e) {
            throw AzureErrors.translate(e, "delete a piece of " + blob);
        }
    }

    @Override
    public void deletePieces(BlobName blob) {
        try {
            for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(piecesOf(blob)), null)) {
                container.getBlobClient(item.getName()).deleteIfExists();
            }
        } catch (RuntimeException e) {
            throw AzureErrors.translate(e, "delete the pieces of " + blob);
        }
    }
}
