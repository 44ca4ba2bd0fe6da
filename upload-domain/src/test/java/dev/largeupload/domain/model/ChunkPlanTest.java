package dev.largeupload.domain.model;

import static dev.largeupload.domain.model.ChunkPlan.MAX_BLOCKS;
import static dev.largeupload.domain.model.ChunkPlan.MAX_CHUNK_SIZE;
import static dev.largeupload.domain.model.ChunkPlan.MAX_FILE_SIZE;
import static dev.largeupload.domain.model.ChunkPlan.MIB;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.error.UploadException.ChunkOutOfRange;
import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.TooLarge;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkPlanTest {

    private static final long TIB = 1024L * 1024 * 1024 * 1024;
    private static final long FIFTY_MIB = 50 * MIB;

    @Test
    void of_zeroBytes_hasNoChunks() {
        ChunkPlan plan = ChunkPlan.of(0, FIFTY_MIB);

        assertEquals(0, plan.chunkCount());
        assertEquals(FIFTY_MIB, plan.chunkSize());
        assertThrows(ChunkOutOfRange.class, () -> plan.lengthOf(0));
    }

    @Test
    void of_oneByte_hasOneChunkOfOneByte() {
        ChunkPlan plan = ChunkPlan.of(1, FIFTY_MIB);

        assertEquals(1, plan.chunkCount());
        assertEquals(1, plan.lengthOf(0));
        assertEquals(0, plan.offsetOf(0));
    }

    @Test
    void of_oneByteLessThanAChunk_hasOneShortChunk() {
        ChunkPlan plan = ChunkPlan.of(FIFTY_MIB - 1, FIFTY_MIB);

        assertEquals(1, plan.chunkCount());
        assertEquals(FIFTY_MIB - 1, plan.lengthOf(0));
    }

    @Test
    void of_exactlyOneChunk_hasOneFullChunk() {
        ChunkPlan plan = ChunkPlan.of(FIFTY_MIB, FIFTY_MIB);

        assertEquals(1, plan.chunkCount());
        assertEquals(FIFTY_MIB, plan.lengthOf(0));
    }

    @Test
    void of_oneByteMoreThanAChunk_hasAFullChunkAndAOneByteChunk() {
        ChunkPlan plan = ChunkPlan.of(FIFTY_MIB + 1, FIFTY_MIB);

        assertAll(
                () -> assertEquals(2, plan.chunkCount()),
                () -> assertEquals(FIFTY_MIB, plan.lengthOf(0)),
                () -> assertEquals(1, plan.lengthOf(1)),
                () -> assertEquals(0, plan.offsetOf(0)),
                () -> assertEquals(FIFTY_MIB, plan.offsetOf(1)));
    }

    @Test
    void of_oneTebibyteAtFiftyMib_has20972ChunksAndAnExactLastChunk() {
        ChunkPlan plan = ChunkPlan.of(TIB, FIFTY_MIB);

        assertAll(
                () -> assertEquals(FIFTY_MIB, plan.chunkSize()),
                () -> assertEquals(20_972, plan.chunkCount()),
                () -> assertEquals(FIFTY_MIB, plan.lengthOf(20_970)),
                () -> assertEquals(27_262_976L, plan.lengthOf(20_971)),
                () -> assertEquals(20_971L * FIFTY_MIB, plan.offsetOf(20_971)),
                () -> assertEquals(TIB, plan.offsetOf(20_971) + plan.lengthOf(20_971)));
    }

    @Test
    void of_190TebibytesAtFiftyMib_growsTheChunkToAWholeMibWithin50000Blocks() {
        ChunkPlan plan = ChunkPlan.of(190 * TIB, FIFTY_MIB);

        assertAll(
                () -> assertEquals(3985 * MIB, plan.chunkSize()),
                () -> assertEquals(0, plan.chunkSize() % MIB),
                () -> assertTrue(plan.chunkSize() <= MAX_CHUNK_SIZE),
                () -> assertEquals(49_995, plan.chunkCount()),
                () -> assertEquals(3_512_729_600L, plan.lengthOf(49_994)),
                () -> assertEquals(190 * TIB, plan.offsetOf(49_994) + plan.lengthOf(49_994)));
    }

    @Test
    void of_sizeNeedingMoreThan50000Blocks_growsToTheSmallestWholeMibThatFits() {
        long fileSize = 50_001 * MIB;

        ChunkPlan plan = ChunkPlan.of(fileSize, MIB);

        assertEquals(2 * MIB, plan.chunkSize());
        assertEquals(25_001, plan.chunkCount());
    }

    @Test
    void of_grownChunkSize_isTheSmallestWholeMib_oneMibLessWouldNotFit() {
        long fileSize = 123 * TIB + 4567;

        ChunkPlan plan = ChunkPlan.of(fileSize, 7);

        long smaller = plan.chunkSize() - MIB;
        assertAll(
                () -> assertEquals(0, plan.chunkSize() % MIB),
                () -> assertTrue(plan.chunkCount() <= MAX_BLOCKS),
                () -> assertTrue((fileSize + smaller - 1) / smaller > MAX_BLOCKS, "one MiB less would have fitted"));
    }

    @Test
    void of_exactly50000Chunks_keepsTheRequestedChunkSize() {
        ChunkPlan plan = ChunkPlan.of(50_000L * 1000, 1000);

        assertEquals(1000, plan.chunkSize());
        assertEquals(50_000, plan.chunkCount());
        assertEquals(1000, plan.lengthOf(49_999));
    }

    @Test
    void of_oneByteMoreThan50000Chunks_growsTheChunkSize() {
        ChunkPlan plan = ChunkPlan.of(50_000L * 1000 + 1, 1000);

        assertEquals(MIB, plan.chunkSize());
        assertEquals(48, plan.chunkCount());
    }

    @Test
    void of_maximumFileSize_fitsIn50000ChunksOf4000Mib() {
        ChunkPlan plan = ChunkPlan.of(MAX_FILE_SIZE, FIFTY_MIB);

        assertEquals(MAX_CHUNK_SIZE, plan.chunkSize());
        assertEquals(MAX_BLOCKS, plan.chunkCount());
        assertEquals(MAX_CHUNK_SIZE, plan.lengthOf(MAX_BLOCKS - 1));
    }

    @Test
    void of_oneByteOverTheMaximumFileSize_isTooLarge() {
        TooLarge e = assertThrows(TooLarge.class, () -> ChunkPlan.of(MAX_FILE_SIZE + 1, FIFTY_MIB));

        assertEquals("upload.too-large", e.code());
        assertEquals(MAX_FILE_SIZE, e.limit());
    }

    @Test
    void of_negativeFileSize_isInvalidFileSize() {
        InvalidArgument e = assertThrows(InvalidArgument.class, () -> ChunkPlan.of(-1, FIFTY_MIB));

        assertEquals("upload.invalid-file-size", e.code());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE, 4000 * 1024 * 1024L + 1, Long.MAX_VALUE})
    void of_chunkSizeZeroNegativeOrOver4000Mib_isInvalidChunkSize(long chunkSize) {
        InvalidArgument e = assertThrows(InvalidArgument.class, () -> ChunkPlan.of(10, chunkSize));

        assertEquals("upload.invalid-chunk-size", e.code());
    }

    @Test
    void of_chunkSizeOfExactly4000Mib_isAccepted() {
        assertEquals(MAX_CHUNK_SIZE, ChunkPlan.of(10, MAX_CHUNK_SIZE).chunkSize());
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, 3, Long.MAX_VALUE, Long.MIN_VALUE})
    void lengthOfAndOffsetOf_outOfRange_throwChunkOutOfRange(long index) {
        ChunkPlan plan = ChunkPlan.of(10, 4);

        ChunkOutOfRange e = assertThrows(ChunkOutOfRange.class, () -> plan.lengthOf(index));
        assertThrows(ChunkOutOfRange.class, () -> plan.offsetOf(index));
        assertEquals("upload.chunk-out-of-range", e.code());
        assertEquals(index, e.index());
        assertEquals(3, e.chunkCount());
    }

    @Test
    void constructor_refusesAnInconsistentCount() {
        assertThrows(IllegalArgumentException.class, () -> new ChunkPlan(10, 4, 2));
    }

    @Test
    void of_randomSizes_lengthsAddUpAndOnlyTheLastChunkIsShort() {
        Random random = new Random(20_240_601L);
        for (int run = 0; run < 300; run++) {
            long fileSize = switch (run % 3) {
                case 0 -> random.nextInt(100_000);
                case 1 -> (long) (random.nextDouble() * 64 * MIB * MAX_BLOCKS);
                default -> (long) (random.nextDouble() * MAX_FILE_SIZE);
            };
            long requested = switch (run % 4) {
                case 0 -> 1 + random.nextInt(1000);
                case 1 -> 1 + (long) (random.nextDouble() * 100 * MIB);
                default -> 1 + (long) (random.nextDouble() * (MAX_CHUNK_SIZE - 1));
            };
            ChunkPlan plan = ChunkPlan.of(fileSize, requested);
            String where = "file " + fileSize + ", requested chunk " + requested + ": ";

            assertTrue(plan.chunkCount() <= MAX_BLOCKS, where + "too many chunks");
            assertTrue(plan.chunkSize() >= requested && plan.chunkSize() <= MAX_CHUNK_SIZE, where + "chunk size " + plan.chunkSize());
            long sum = 0;
            for (int i = 0; i < plan.chunkCount(); i++) {
                long length = plan.lengthOf(i);
                assertEquals(sum, plan.offsetOf(i), where + "offset of " + i);
                if (i < plan.chunkCount() - 1) {
                    assertEquals(plan.chunkSize(), length, where + "length of " + i);
                } else {
                    assertTrue(length >= 1 && length <= plan.chunkSize(), where + "last length " + length);
                }
                sum += length;
            }
            assertEquals(fileSize, sum, where + "sum of lengths");
        }
    }

    // ---- blocks ----

    @Test
    void blocks_ofA64MiBChunk_areEight8MiBBlocks() {
        ChunkPlan plan = ChunkPlan.of(1024 * ChunkPlan.MIB, 64 * ChunkPlan.MIB);
        assertEquals(8 * ChunkPlan.MIB, plan.blockSize());
        assertEquals(8, plan.blocksPerChunk());
        assertEquals(128, plan.blockCount());
    }

    @Test
    void blocks_ofThe50MiBDefaultChunk_areFive10MiBBlocks() {
        ChunkPlan plan = ChunkPlan.of(200 * ChunkPlan.MIB, 50 * ChunkPlan.MIB);
        assertEquals(10 * ChunkPlan.MIB, plan.blockSize());
    }

    @Test
    void blocks_ofA1TBFile_stayWithin50000_andAreAtLeast21MiB() {
        long terabyte = 1_000_000_000_000L;
        ChunkPlan plan = ChunkPlan.of(terabyte, 50 * ChunkPlan.MIB);
        assertTrue(plan.blockCount() <= ChunkPlan.MAX_BLOCKS, plan.blockCount() + " blocks");
        assertTrue(plan.blockSize() >= 20_000_000L, plan.blockSize() + " bytes");
        assertEquals(0, plan.chunkSize() % plan.blockSize());
    }

    @Test
    void blocks_ofTheLargestFile_areTheLargestChunks() {
        ChunkPlan plan = ChunkPlan.of(ChunkPlan.MAX_FILE_SIZE, ChunkPlan.MAX_CHUNK_SIZE);
        assertEquals(ChunkPlan.MAX_CHUNK_SIZE, plan.blockSize());
        assertEquals(ChunkPlan.MAX_BLOCKS, plan.blockCount());
    }

    @Test
    void blocks_ofAChunkNoLargerThanTheSmallestBlock_areTheChunk() {
        assertEquals(1000, ChunkPlan.of(10_000, 1000).blockSize());
        assertEquals(8 * ChunkPlan.MIB, ChunkPlan.of(100 * ChunkPlan.MIB, 8 * ChunkPlan.MIB).blockSize());
    }

    @Test
    void blocks_ofAChunkSizeWithNoFittingDivisor_areTheChunk() {
        long prime = 16_777_259L; // a prime just above 16 MiB: no whole number of 8 MiB blocks divides it
        assertEquals(prime, ChunkPlan.of(10 * prime, prime).blockSize());
    }

    @Test
    void blocks_ofTheLastChunk_endWithTheFile() {
        ChunkPlan plan = ChunkPlan.of(40, 16, 4);
        assertEquals(4, plan.blockSize());
        assertEquals(10, plan.blockCount());
        assertEquals(8, plan.firstBlockOf(2));
        assertEquals(2, plan.blockCountOf(2));
        assertEquals(2, plan.chunkOf(9));
        assertEquals(36, plan.blockOffset(9));
        assertEquals(4, plan.blockLength(9));
        ChunkPlan ragged = ChunkPlan.of(38, 16, 4);
        assertEquals(2, ragged.blockLength(9));
        assertEquals(2, ragged.blockCountOf(2));
    }

    @Test
    void blocks_ofAnEmptyFile_areNone() {
        ChunkPlan plan = ChunkPlan.of(0, 16, 4);
        assertEquals(0, plan.blockCount());
        assertThrows(IllegalArgumentException.class, () -> plan.blockLength(0));
    }

    @Test
    void aPlanMadeBeforeBlocks_hasOneBlockPerChunk() {
        ChunkPlan legacy = new ChunkPlan(10, 4, 3);
        assertEquals(4, legacy.blockSize());
        assertEquals(3, legacy.blockCount());
        assertEquals(2, legacy.blockLength(2));
    }

    @Test
    void aPlanWhoseBlocksDoNotDivideTheChunk_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ChunkPlan(40, 16, 3, 5));
    }
}
