package dev.largeupload.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.specialized.BlockBlobClient;
import dev.largeupload.azure.AzureBlobSettings.Connection;
import dev.largeupload.azure.AzureBlobSettings.Retries;
import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.error.UploadException.TransferInterrupted;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.BlockId;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.port.BlobAttributes;
import dev.largeupload.domain.port.BlockData;
import dev.largeupload.domain.port.CommittedBlob;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the contract cannot see: how the blob looks in Azure, Content-MD5, outages, and a 256 MiB chunk in a 128 MiB heap. */
class AzureBlobStoreSpecificTest {

    private static final int CHUNK = 4096;
    /** A plan with room for the few blocks of {@value #CHUNK} bytes that most tests stage. */
    private static final ChunkPlan PLAN = ChunkPlan.of(8L * CHUNK, CHUNK, CHUNK);
    private static final Retries FAST = new Retries(2, Duration.ofSeconds(5), Duration.ofMillis(100),
            Duration.ofMillis(200), Duration.ofSeconds(1));

    private static AzuriteServer azurite;

    private final java.util.Map<BlobName, java.util.Map<Integer, StagingAttempt>> attempts = new java.util.HashMap<>();
    private String containerName;
    private BlobContainerClient container;
    private AzureBlobStore store;

    @BeforeAll
    static void startAzurite() {
        azurite = AzuriteServer.start();
    }

    @AfterAll
    static void stopAzurite() {
        azurite.close();
    }

    @BeforeEach
    void createContainer() {
        containerName = "c" + UUID.randomUUID().toString().replace("-", "");
        store = AzureBlobStoreFactory.create(settings().withRetries(FAST));
        container = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                .httpClient(new com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder().build())
                .buildClient().getBlobContainerClient(containerName);
    }

    @Test
    void commit_makesOneCommittedBlockPerBlockInOrder_labelledWithContentTypeAndMetadata() {
        BlobName blob = blob();
        ChunkPlan plan = ChunkPlan.of(3L * CHUNK - 7, CHUNK, CHUNK / 4);
        assertEquals(12, plan.blockCount());
        for (int index = plan.blockCount() - 1; index >= 0; index--) {
            stage(blob, plan, index, bytes((int) plan.blockLength(index), index));
        }
        UploadId upload = UploadId.random();
        String name = "Quartalsbericht Ü 2024 – final.pdf";

        commit(store, blob, plan, new BlobAttributes("application/pdf", new FileName(name), upload, Optional.of("ab".repeat(32))));

        List<String> committed = raw(blob).listBlocks(BlockListType.COMMITTED).getCommittedBlocks().stream()
                .map(Block::getName).toList();
        List<String> expected = new java.util.ArrayList<>();
        for (int index = 0; index < plan.blockCount(); index++) {
            expected.add(BlockId.of(index, attemptOf(blob, index)).value());
        }
        assertEquals(expected, committed);
        BlobProperties properties = raw(blob).getProperties();
        assertEquals(plan.fileSize(), properties.getBlobSize());
        assertEquals("application/pdf", properties.getContentType());
        assertEquals(upload.value(), properties.getMetadata().get("uploadid"));
        assertEquals(name, URLDecoder.decode(properties.getMetadata().get("filename"), StandardCharsets.UTF_8));
        assertEquals("ab".repeat(32), properties.getMetadata().get("sha256"));
    }

    @Test
    void delete_ofABlobWithOnlyStagedBlocks_leavesNoBlocksAndNoBlob() {
        BlobName blob = blob();
        stage(blob, PLAN, 0, bytes(CHUNK, 1));
        stage(blob, PLAN, 2, bytes(CHUNK, 2));

        store.delete(blob);

        assertNoTrace(blob);
    }

    @Test
    void discardUncommitted_ofABlobWithOnlyStagedBlocks_leavesNoBlocksAndNoBlob() {
        // The path for Azure, whose Delete Blob answers 404 for a blob never committed (Azurite deletes it).
        BlobName blob = blob();
        stage(blob, PLAN, 0, bytes(CHUNK, 12));
        stage(blob, PLAN, 1, bytes(CHUNK, 13));

        store.discardUncommitted(blob);

        assertNoTrace(blob);
    }

    @Test
    void delete_ofACommittedBlobWithBlocksStagedAfterwards_leavesNothing() {
        BlobName blob = blob();
        ChunkPlan plan = ChunkPlan.of(2L * CHUNK, CHUNK);
        stage(blob, plan, 0, bytes(CHUNK, 3));
        stage(blob, plan, 1, bytes(CHUNK, 4));
        commit(store, blob, plan, attributes());
        stage(blob, plan, 1, bytes(CHUNK, 5));

        store.delete(blob);

        assertNoTrace(blob);
    }

    @Test
    void stage_withAContentMd5ThatDoesNotMatchTheBytes_isRefusedByAzureAsChecksumMismatch() {
        BlobName blob = blob();
        byte[] data = bytes(CHUNK, 6);

        assertThrows(ChecksumMismatch.class, () -> store.stage(blob, PLAN, 0, StagingAttempt.random(),
                new BlockData(new ByteArrayInputStream(data), data.length, Optional.of(md5(bytes(CHUNK, 7))))));

        assertEquals(List.of(), uncommitted(blob));
    }

    @Test
    void stage_withTheRightContentMd5_isStaged() {
        BlobName blob = blob();
        byte[] data = bytes(CHUNK, 8);

        store.stage(blob, PLAN, 0, attemptOf(blob, 0), new BlockData(new ByteArrayInputStream(data), data.length,
                Optional.of(md5(data))));

        assertEquals(List.of(BlockId.of(0, attemptOf(blob, 0)).value()), uncommitted(blob));
    }

    @Test
    void stage_whenTheClientStreamFails_throwsTransferInterrupted() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset by peer");
            }
        };

        assertThrows(TransferInterrupted.class, () -> store.stage(blob(), PLAN, 0, StagingAttempt.random(),
                new BlockData(broken, CHUNK, Optional.empty())));
    }

    @Test
    void aBodyCutOffInItsThirdBlock_keepsTheTwoBlocksStagedBeforeTheCut() {
        BlobName blob = blob();
        ChunkPlan plan = ChunkPlan.of(4L * CHUNK, 4L * CHUNK, CHUNK);
        assertEquals(4, plan.blocksPerChunk());
        InputStream body = new java.io.SequenceInputStream(new ByteArrayInputStream(bytes(2 * CHUNK + 100, 15)),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("connection reset by peer");
                    }
                });
        StagingAttempt attempt = StagingAttempt.random();

        assertThrows(TransferInterrupted.class, () -> {
            for (int block = 0; block < plan.blockCount(); block++) {
                store.stage(blob, plan, block, attempt, new BlockData(body, CHUNK, Optional.empty()));
            }
        });

        assertEquals(List.of(BlockId.of(0, attempt).value(), BlockId.of(1, attempt).value()), uncommitted(blob));
    }

    @Test
    void stage_whileAzuriteIsDown_throwsStoreUnavailable_andWorksAgainAfterItRestarts() {
        BlobName blob = blob();
        azurite.stop();
        try {
            UploadException down = assertThrows(UploadException.class, () -> stage(blob, PLAN, 0, bytes(CHUNK, 9)));
            assertInstanceOf(StoreUnavailable.class, down);
            assertFalse(down.getMessage().contains("AccountKey"), down.getMessage());
            assertThrows(StoreUnavailable.class, () -> commit(store, blob, ChunkPlan.of(CHUNK, CHUNK), attributes()));
        } finally {
            azurite.restart();
        }

        stage(blob, PLAN, 0, bytes(CHUNK, 9));

        assertEquals(List.of(BlockId.of(0, attemptOf(blob, 0)).value()), uncommitted(blob));
    }

    @Test
    void stage_ofA256MiBBlock_streamsItInAHeapOf128MiB() throws IOException {
        BlobName blob = blob();
        long length = 256 * ChunkPlan.MIB;
        ChunkPlan plan = ChunkPlan.of(length, length, length);
        assertEquals(1, plan.blockCount());

        store.stage(blob, plan, 0, attemptOf(blob, 0), new BlockData(new GeneratedStream(length), length, Optional.empty()));
        commit(store, blob, plan, attributes());

        try (InputStream in = store.openCommitted(blob, 0, length)) {
            assertEquals(crc(new GeneratedStream(length)), crc(in));
        }
    }

    @Test
    void openCommitted_beyondTheEnd_isAnInvalidRange() {
        BlobName blob = blob();
        stage(blob, PLAN, 0, bytes(CHUNK, 10));
        commit(store, blob, ChunkPlan.of(CHUNK, CHUNK), attributes());

        assertThrows(InvalidArgument.class, () -> store.openCommitted(blob, CHUNK - 1, 2));
        assertThrows(InvalidArgument.class, () -> store.openCommitted(blob, CHUNK + 1, 0));
    }

    @Test
    void aBlobPrefix_isPutBeforeTheBlobName() throws IOException {
        AzureBlobStore prefixed = AzureBlobStoreFactory.create(settings().withBlobPrefix("uploads/").withRetries(FAST));
        BlobName blob = blob();
        byte[] data = bytes(CHUNK, 11);
        prefixed.stage(blob, ChunkPlan.of(CHUNK, CHUNK), 0, attemptOf(blob, 0), new BlockData(new ByteArrayInputStream(data), data.length, Optional.empty()));

        commit(prefixed, blob, ChunkPlan.of(CHUNK, CHUNK), attributes());

        assertTrue(container.getBlobClient("uploads/" + blob.value()).exists());
        try (InputStream in = prefixed.openCommitted(blob, 0, CHUNK)) {
            assertArrayEquals(data, in.readAllBytes());
        }
    }

    // --- helpers -----------------------------------------------------------------------------

    private AzureBlobSettings settings() {
        return AzureBlobSettings.of(new Connection.ConnectionString(azurite.connectionString()), containerName);
    }

    private void assertNoTrace(BlobName blob) {
        assertFalse(raw(blob).exists());
        BlobStorageException gone = assertThrows(BlobStorageException.class, () -> raw(blob).listBlocks(BlockListType.ALL));
        assertEquals(404, gone.getStatusCode());
    }

    private BlockBlobClient raw(BlobName blob) {
        return container.getBlobClient(blob.value()).getBlockBlobClient();
    }

    /** The ids of the uncommitted blocks of {@code blob}, in Azure's order (none when there is no such blob). */
    private List<String> uncommitted(BlobName blob) {
        try {
            return raw(blob).listBlocks(BlockListType.UNCOMMITTED).getUncommittedBlocks().stream()
                    .map(Block::getName).sorted().toList();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return List.of();
            }
            throw e;
        }
    }

    /** Stages {@code data} as block {@code index} of {@code plan} under a new attempt, which {@link #commit} then takes. */
    private void stage(BlobName blob, ChunkPlan plan, int index, byte[] data) {
        StagingAttempt attempt = StagingAttempt.random();
        store.stage(blob, plan, index, attempt, new BlockData(new ByteArrayInputStream(data), data.length, Optional.empty()));
        attempts.computeIfAbsent(blob, b -> new java.util.HashMap<>()).put(index, attempt);
    }

    /** The attempt {@link #stage} used last for the chunk, made on first use for a test that stages by hand. */
    private StagingAttempt attemptOf(BlobName blob, int index) {
        return attempts.computeIfAbsent(blob, b -> new java.util.HashMap<>()).computeIfAbsent(index, i -> StagingAttempt.random());
    }

    private CommittedBlob commit(AzureBlobStore on, BlobName blob, ChunkPlan plan, BlobAttributes attributes) {
        List<StagingAttempt> list = new java.util.ArrayList<>();
        for (int index = 0; index < plan.blockCount(); index++) {
            list.add(attemptOf(blob, index));
        }
        return on.commit(blob, plan, list, attributes);
    }

    @Test
    void stage_underANewAttempt_ofABlobWhoseBlocksAnOlderVersionStaged_isNotActiveNotUnavailable() {
        BlobName blob = blob();
        byte[] data = bytes(CHUNK, 14);
        store.stage(blob, PLAN, 0, StagingAttempt.LEGACY, new BlockData(new ByteArrayInputStream(data), CHUNK, Optional.empty()));

        assertThrows(NotActive.class, () -> store.stage(blob, PLAN, 1, StagingAttempt.random(),
                new BlockData(new ByteArrayInputStream(data), CHUNK, Optional.empty())));
    }

    private static BlobName blob() {
        return BlobName.of(UploadId.random());
    }

    private static BlobAttributes attributes() {
        return new BlobAttributes("application/octet-stream", new FileName("test.bin"), UploadId.random(), Optional.empty());
    }

    private static byte[] bytes(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static byte[] md5(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long crc(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; total += n) {
            crc.update(buffer, 0, n);
        }
        return crc.getValue() ^ (total << 32);
    }

    /** {@code length} bytes of a repeatable pattern, computed as they are read and never held. */
    private static final class GeneratedStream extends InputStream {
        private final long length;
        private long position;

        GeneratedStream(long length) {
            this.length = length;
        }

        @Override
        public int read() {
            return position < length ? (int) ((position++ * 0x9E3779B97F4A7C15L) >>> 56) & 0xff : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            if (count == 0) {
                return 0;
            }
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(count, length - position);
            for (int i = 0; i < n; i++) {
                buffer[offset + i] = (byte) read();
            }
            return n;
        }
    }
}
