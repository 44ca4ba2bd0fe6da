package dev.largeupload.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlobInputStream;
import com.azure.storage.blob.specialized.BlockBlobClient;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.TransferInterrupted;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.port.PieceStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The pieces of {@link PieceStore} on Azure: Azure cannot read back an uncommitted block, so each piece is a small
 * block blob of its own, {@code <prefix><blob>.pieces/<block>-<attempt>} (a blob name has no dot, so no piece name is
 * ever an upload's blob), staged in blocks of at most 4 MiB as the stream delivers them (its length need not be
 * known), then committed by one Put Block List, and read back with a ranged, streaming read. Durable once Put Block
 * List answered; a piece whose writing failed is never committed, so never readable.
 * {@link AzureBlobStore#delete} discards a blob's pieces with it.
 */
public final class AzurePieceStore implements PieceStore {

    private static final int READ_BLOCK_SIZE = 4 * 1024 * 1024;
    /** A piece is staged on its own blob in blocks of at most this many bytes, each buffered once (bounded memory). */
    private static final int STAGE_SIZE = 4 * 1024 * 1024;

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
    public long writePiece(BlobName blob, int block, StagingAttempt attempt, InputStream data, long maxLength) {
        BlockBlobClient client = staging.getBlobClient(piece(blob, block, attempt)).getBlockBlobClient();
        byte[] buffer = new byte[(int) Math.min(STAGE_SIZE, Math.max(1, maxLength))];
        List<String> ids = new ArrayList<>();
        long held = 0;
        while (held < maxLength) {
            int want = (int) Math.min(buffer.length, maxLength - held);
            int n = fill(data, buffer, want);
            if (n > 0) {
                String id = Base64.getEncoder().encodeToString(
                        String.format(Locale.ROOT, "piece-%08d", ids.size()).getBytes(StandardCharsets.US_ASCII));
                try {
                    client.stageBlockWithResponse(new BlockBlobStageBlockOptions(id,
                            BinaryData.fromByteBuffer(ByteBuffer.wrap(buffer, 0, n))), null, Context.NONE);
                } catch (RuntimeException e) {
                    throw AzureErrors.translate(e, "stage a piece of block " + block + " of " + blob);
                }
                ids.add(id);
                held += n;
            }
            if (n < want) {
                break;
            }
        }
        try {
            client.commitBlockList(ids, true);
        } catch (RuntimeException e) {
            throw AzureErrors.translate(e, "store a piece of block " + block + " of " + blob);
        }
        return held;
    }

    /** Reads into {@code buffer} until it holds {@code want} bytes or {@code data} ended; answers how many it holds. */
    private static int fill(InputStream data, byte[] buffer, int want) {
        int filled = 0;
        try {
            while (filled < want) {
                int n = data.read(buffer, filled, want - filled);
                if (n < 0) {
                    break;
                }
                filled += n;
            }
        } catch (IOException e) {
            throw new TransferInterrupted(-1, e instanceof InterruptedIOException, e);
        }
        return filled;
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
