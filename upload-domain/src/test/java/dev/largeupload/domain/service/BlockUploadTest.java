package dev.largeupload.domain.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.ChunkLengthMismatch;
import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.OffsetMismatch;
import dev.largeupload.domain.error.UploadException.TransferInterrupted;
import dev.largeupload.domain.fakes.InMemoryBlobStore;
import dev.largeupload.domain.fakes.InMemoryMetadataStore;
import dev.largeupload.domain.fakes.MutableClock;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession.PartialChunk;
import dev.largeupload.domain.service.Results.ChunkAccepted;
import dev.largeupload.domain.service.Results.Completed;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.usecase.ChunkRange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Blocks as the durable unit: a chunk of several blocks keeps every whole block that arrived, a client continues
 * it with a range from the durable prefix, and a recorded block is never replaced.
 */
class BlockUploadTest {

    /** 40 bytes in chunks of 16, 16 and 8 bytes, blocks of 4: chunk 0 is blocks 0-3, chunk 2 is blocks 8-9. */
    private static final byte[] FILE = new byte[40];

    static {
        for (int i = 0; i < FILE.length; i++) {
            FILE[i] = (byte) ('a' + i % 26);
        }
    }

    private final MutableClock clock = MutableClock.atFixedStart();
    private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    private final InMemoryBlobStore blobs = new InMemoryBlobStore();
    private final UploadService service = new UploadService(metadata, blobs,
            new UploadPolicy(16, 1000, 1000, Duration.ofHours(1), true, Duration.ofMinutes(5), 0, Duration.ofDays(1), 4),
            clock);
    private final Initiated upload = service.initiate(
            new InitiateRequest("blocks.bin", FILE.length, OptionalLong.empty(), Optional.empty(), Optional.empty()));
    private final UploadId id = upload.session().id();

    @Test
    void initiate_plansBlocksOfTheSmallestSizeThatDivideTheChunk() {
        assertEquals(16, upload.session().plan().chunkSize());
        assertEquals(4, upload.session().plan().blockSize());
        assertEquals(10, upload.session().plan().blockCount());
    }

    @Test
    void aBodyCutOffInsideItsThirdBlock_keepsTheFirstTwoBlocks_andResumeReportsThem() {
        TransferInterrupted cut = assertThrows(TransferInterrupted.class,
                () -> accept(0, new CutOffBody(slice(0, 16), 10), 16, ClientDigests.NONE, Optional.empty()));
        assertEquals("upload.transfer-interrupted", cut.code());

        var session = service.resume(id);
        assertEquals(List.of(new PartialChunk(0, 8)), session.partialChunks());
        assertEquals(8, session.receivedBytes());
        assertEquals(List.of(0, 1, 2), session.missingChunks(), "the chunk is not whole");
        assertEquals(20.0, session.progressPercentage());
    }

    @Test
    void aRangeFromTheDurablePrefix_finishesTheChunk_andTheFileIsByteExact() {
        assertThrows(TransferInterrupted.class, () -> accept(0, new CutOffBody(slice(0, 16), 10), 16, ClientDigests.NONE,
                Optional.empty()));

        ChunkAccepted rest = accept(0, new ByteArrayInputStream(slice(8, 16)), 8, ClientDigests.NONE,
                Optional.of(new ChunkRange(8, 15, 16)));
        assertTrue(rest.chunkReceived());
        assertEquals(16, rest.chunkReceivedBytes());
        accept(1, new ByteArrayInputStream(slice(16, 32)), 16, ClientDigests.NONE, Optional.empty());
        accept(2, new ByteArrayInputStream(slice(32, 40)), 8, ClientDigests.NONE, Optional.empty());

        Completed done = service.complete(id, upload.uploadToken());
        assertArrayEquals(FILE, blobs.committedBytes(upload.session().blobName()).orElseThrow());
        assertEquals(compositeOfBlocks(FILE, 4), done.compositeSha256().orElseThrow(),
                "the composite is over the blocks' digests in order");
    }

    @Test
    void aRangeInPieces_eachEndingAtABlockBoundary_isKeptPieceByPiece() {
        ChunkAccepted first = accept(0, new ByteArrayInputStream(slice(0, 4)), 4, ClientDigests.NONE,
                Optional.of(new ChunkRange(0, 3, 16)));
        assertFalse(first.chunkReceived());
        assertEquals(4, first.chunkReceivedBytes());
        ChunkAccepted second = accept(0, new ByteArrayInputStream(slice(4, 16)), 12, ClientDigests.NONE,
                Optional.of(new ChunkRange(4, 15, 16)));
        assertTrue(second.chunkReceived());
        assertEquals(List.of(0), service.status(id).receivedChunks());
    }

    @Test
    void aRangePastTheDurablePrefix_isAnOffsetMismatch_naming_theOffsetToContinueFrom() {
        accept(0, new ByteArrayInputStream(slice(0, 4)), 4, ClientDigests.NONE, Optional.of(new ChunkRange(0, 3, 16)));

        OffsetMismatch e = assertThrows(OffsetMismatch.class, () -> accept(0, new ByteArrayInputStream(slice(8, 16)), 8,
                ClientDigests.NONE, Optional.of(new ChunkRange(8, 15, 16))));
        assertEquals("upload.offset-mismatch", e.code());
        assertEquals(4, e.receivedBytes());
        assertEquals(1, service.status(id).receivedBlockCount(), "nothing else was kept");
    }

    @Test
    void aRangeStartingInsideABlock_isAnOffsetMismatch() {
        OffsetMismatch e = assertThrows(OffsetMismatch.class, () -> accept(0, new ByteArrayInputStream(slice(2, 16)), 14,
                ClientDigests.NONE, Optional.of(new ChunkRange(2, 15, 16))));
        assertEquals(0, e.receivedBytes());
    }

    @Test
    void aRangeEndingInsideABlock_isRefusedBeforeAnyByteIsRead() {
        InvalidArgument e = assertThrows(InvalidArgument.class, () -> accept(0, new ByteArrayInputStream(slice(0, 6)), 6,
                ClientDigests.NONE, Optional.of(new ChunkRange(0, 5, 16))));
        assertEquals("upload.invalid-range", e.code());
        assertEquals(0, service.status(id).receivedBlockCount());
    }

    @Test
    void aRangeOfAnotherChunkLength_isALengthMismatch() {
        assertThrows(ChunkLengthMismatch.class, () -> accept(2, new ByteArrayInputStream(slice(32, 40)), 8,
                ClientDigests.NONE, Optional.of(new ChunkRange(0, 7, 16))));
    }

    @Test
    void aRangeWhoseBodyLengthDiffers_isALengthMismatch() {
        assertThrows(ChunkLengthMismatch.class, () -> accept(0, new ByteArrayInputStream(slice(0, 8)), 8,
                ClientDigests.NONE, Optional.of(new ChunkRange(0, 11, 16))));
    }

    @Test
    void aBodyWithAWrongMd5_keepsNoneOfItsBlocks_allOrNothing() {
        byte[] wrong = md5(slice(16, 32));
        wrong[0] ^= 1;
        ChecksumMismatch e = assertThrows(ChecksumMismatch.class, () -> accept(1, new ByteArrayInputStream(slice(16, 32)),
                16, new ClientDigests(Optional.of(wrong), Optional.empty()), Optional.empty()));
        assertEquals("upload.checksum-mismatch", e.code());
        assertEquals(0, service.status(id).receivedBlockCount(), "no block of a body that failed its digest counts");
    }

    @Test
    void aBodyWithARightMd5_keepsAllItsBlocks() {
        ChunkAccepted accepted = accept(1, new ByteArrayInputStream(slice(16, 32)), 16,
                new ClientDigests(Optional.of(md5(slice(16, 32))), Optional.empty()), Optional.empty());
        assertTrue(accepted.chunkReceived());
        assertEquals(4, service.status(id).receivedBlockCount());
    }

    @Test
    void aChunkSentAgainWithOtherBytes_keepsTheRecordedBlocks_andStagesOnlyTheMissingOnes() {
        accept(0, new ByteArrayInputStream(slice(0, 8)), 8, ClientDigests.NONE, Optional.of(new ChunkRange(0, 7, 16)));
        byte[] other = slice(0, 16);
        Arrays.fill(other, (byte) 'Z');

        accept(0, new ByteArrayInputStream(other), 16, ClientDigests.NONE, Optional.empty());

        for (int block = 0; block < 4; block++) {
            assertEquals(1, blobs.stagedAttempts(upload.session().blobName(), block), "block " + block + " staged once");
        }
        var records = metadata.recordedBlocks(id);
        assertEquals(sha256(slice(0, 4)), records.get(0).sha256(), "recorded blocks keep the first bytes");
        assertEquals(sha256(Arrays.copyOfRange(other, 8, 12)), records.get(2).sha256(), "missing blocks take the new ones");
    }

    @Test
    void aPartlyReceivedChunk_countsOnlyItsPrefix_notTheBlocksAfterAGap() {
        var plan = upload.session().plan();
        java.util.BitSet blocks = new java.util.BitSet();
        blocks.set(0);
        blocks.set(2);
        blocks.set(3);
        blocks.set(8);
        var session = dev.largeupload.domain.model.UploadSession.restore(id, upload.session().fileName(), "x/y", plan,
                blocks, upload.session().state(), clock.instant(), clock.instant(), clock.instant().plusSeconds(60),
                upload.session().tokenHash(), Optional.empty());

        assertEquals(4, session.durablePrefixOf(0));
        assertEquals(List.of(new PartialChunk(0, 4), new PartialChunk(2, 4)), session.partialChunks());
        assertEquals(16, session.receivedBytes(), "every block counts in the bytes received");
    }

    private ChunkAccepted accept(int chunk, InputStream body, long length, ClientDigests digests, Optional<ChunkRange> range) {
        return service.acceptChunk(id, upload.uploadToken(), chunk, body, length, digests, range);
    }

    private static byte[] slice(int from, int to) {
        return Arrays.copyOfRange(FILE, from, to);
    }

    private static Sha256 compositeOfBlocks(byte[] file, int blockSize) {
        List<Sha256> digests = new ArrayList<>();
        for (int from = 0; from < file.length; from += blockSize) {
            digests.add(sha256(Arrays.copyOfRange(file, from, Math.min(file.length, from + blockSize))));
        }
        return Sha256.composite(digests);
    }

    private static Sha256 sha256(byte[] bytes) {
        return Sha256.of(Sha256.newDigest().digest(bytes));
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A body that hands out its first {@code cut} bytes, then fails as a dropped connection does. */
    private static final class CutOffBody extends InputStream {
        private final byte[] bytes;
        private final int cut;
        private int position;

        CutOffBody(byte[] bytes, int cut) {
            this.bytes = bytes;
            this.cut = cut;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (position >= cut) {
                throw new IOException("connection reset");
            }
            int n = Math.min(length, cut - position);
            System.arraycopy(bytes, position, buffer, offset, n);
            position += n;
            return n;
        }
    }
}
