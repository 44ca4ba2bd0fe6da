package dev.largeupload.domain.port;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.ChunkLengthMismatch;
import dev.largeupload.domain.error.UploadException.Incomplete;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.TransferInterrupted;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.UploadId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link BlobStore} promises, run against each adapter: a concrete subclass per adapter
 * supplies a fresh, empty store with {@link #newStore()}, says which of the two models of the port it follows
 * ({@link #keepsAttemptsApart()}, {@link #verifiesSha256OnCommit()}), and inherits every test. A test whose
 * outcome differs between the models asserts the outcome of the store's model, so every test runs on every store.
 * Plans are small (blocks of {@value #BLOCK} bytes, several per chunk) except in the one test that shows a
 * large block is streamed.
 */
public abstract class BlobStoreContract {

    private static final int BLOCK = 1024;
    private static final int CHUNK = 4 * BLOCK;
    private static final long AWAIT_SECONDS = 30;

    protected BlobStore store;
    /** The attempt of each block that {@link #stage} staged last: what the metadata store would record. */
    private final Map<BlobName, Map<Integer, StagingAttempt>> recorded = new ConcurrentHashMap<>();

    /** A new store with nothing in it; called before each test. */
    protected abstract BlobStore newStore() throws Exception;

    /**
     * Whether each staging attempt of a block is kept apart (Azure's block ids: {@link BlobStore#openBlock} never
     * waits and a commit takes the attempts it is given), rather than written in place (one copy per block: a
     * second {@code openBlock} of an open block waits, and a commit ignores the attempts).
     */
    protected abstract boolean keepsAttemptsApart();

    /**
     * Whether a commit given an expected SHA-256 reads the staged bytes to compute it, returns it and refuses a
     * mismatch (the filesystem), rather than keeping it as a label only (Azure's Put Block List).
     */
    protected abstract boolean verifiesSha256OnCommit();

    @BeforeEach
    void createStore() throws Exception {
        store = newStore();
    }

    @Test
    void checkAvailable_onAWorkingStore_returns() {
        store.checkAvailable();
    }

    @Test
    void commit_ofBlocksStagedInRandomOrder_severalPerChunk_isTheFileByteForByte() throws IOException {
        BlobName blob = blob();
        byte[] file = bytes(10 * CHUNK + 123, 1);
        ChunkPlan plan = plan(file.length);
        assertEquals(4, plan.blocksPerChunk(), "the plan has several blocks per chunk");
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < plan.blockCount(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(7));
        for (int block : order) {
            stage(blob, plan, block, slice(file, plan, block));
        }

        CommittedBlob committed = commit(blob, plan);

        assertEquals(file.length, committed.size());
        assertArrayEquals(file, readAll(blob, file.length));
    }

    @Test
    void commit_withBlocksOfUnequalLength_keepsEachAtItsOffset() throws IOException {
        BlobName blob = blob();
        // Chunks of 3 blocks of 1000 bytes; the last chunk is 2 blocks, the last of them 1 byte.
        byte[] file = bytes(3 * 3000 + 1001, 2);
        ChunkPlan plan = ChunkPlan.of(file.length, 3000, 1000);
        assertEquals(1000, plan.blockSize());
        assertEquals(1, plan.blockLength(plan.blockCount() - 1));
        for (int block = plan.blockCount() - 1; block >= 0; block--) {
            stage(blob, plan, block, slice(file, plan, block));
        }

        commit(blob, plan);

        assertArrayEquals(file, readAll(blob, file.length));
    }

    @Test
    void commit_ofAZeroByteFile_createsAnEmptyBlob_andIsIdempotent() throws IOException {
        BlobName blob = blob();
        ChunkPlan plan = plan(0);
        assertEquals(0, plan.blockCount());

        CommittedBlob committed = commit(blob, plan);
        CommittedBlob again = commit(blob, plan);

        assertEquals(0, committed.size());
        assertEquals(0, again.size());
        assertArrayEquals(new byte[0], readAll(blob, 0));
    }

    @Test
    void stage_ofABlockAgain_replacesItInPlace_orKeepsBothAttemptsApart() throws IOException {
        BlobName blob = blob();
        ChunkPlan plan = plan(2 * BLOCK);
        byte[] zero = bytes(BLOCK, 3);
        byte[] earlier = bytes(BLOCK, 4);
        byte[] later = bytes(BLOCK, 5);
        StagingAttempt zeroAttempt = stage(blob, plan, 0, zero);
        StagingAttempt earlierAttempt = stage(blob, plan, 1, earlier);
        stage(blob, plan, 1, later);

        store.commit(blob, plan, List.of(zeroAttempt, earlierAttempt), attributes());

        byte[] expected = keepsAttemptsApart() ? earlier : later;
        assertArrayEquals(concat(zero, expected), readAll(blob, plan.fileSize()),
                keepsAttemptsApart() ? "the commit takes the attempt it is given" : "one copy per block: the last write");
    }

    /** An upload staged wholly by a version before staging attempts, completed by this one. */
    @Test
    void stage_underTheLegacyAttempt_isCommittedByIt() throws IOException {
        BlobName blob = blob();
        ChunkPlan plan = plan(2 * BLOCK);
        byte[] zero = bytes(BLOCK, 40);
        byte[] one = bytes(BLOCK, 41);
        store.stage(blob, plan, 0, StagingAttempt.LEGACY, block(zero));
        store.stage(blob, plan, 1, StagingAttempt.LEGACY, block(one));

        store.commit(blob, plan, List.of(StagingAttempt.LEGACY, StagingAttempt.LEGACY), attributes());

        assertArrayEquals(concat(zero, one), readAll(blob, plan.fileSize()));
    }

    @Test
    void stage_whenTheStreamThrowsADomainErrorMidway_passesItOn_andLeavesTheOtherBlocksIntact() throws IOException {
        BlobName blob = blob();
        byte[] file = bytes(2 * CHUNK, 6);
        ChunkPlan plan = plan(file.length);
        int broken = 5;
        for (int block = 0; block < plan.blockCount(); block++) {
            stage(blob, plan, block, slice(file, plan, block));
        }
        ChunkLengthMismatch failure = new ChunkLengthMismatch(1, CHUNK, "the body ended early");
        StagingAttempt failed = StagingAttempt.random();

        ChunkLengthMismatch thrown = assertThrows(ChunkLengthMismatch.class, () -> store.stage(blob, plan, broken, failed,
                block(new FailingStream(bytes(BLOCK, 7), BLOCK / 2, failure), BLOCK)));

        assertSame(failure, thrown);
        assertNotCountedWhereTheStoreCanTell(blob, plan, broken, failed);
        // What the domain does next: the block was not recorded, so it is staged again; the rest stays as it was.
        stage(blob, plan, broken, slice(file, plan, broken));
        commit(blob, plan);
        assertArrayEquals(file, readAll(blob, file.length));
    }

    @Test
    void stage_whenTheStreamFailsWithAnIOException_isTransferInterrupted_andLeavesTheOtherBlocksIntact() throws IOException {
        BlobName blob = blob();
        byte[] file = bytes(CHUNK, 8);
        ChunkPlan plan = plan(file.length);
        stage(blob, plan, 0, slice(file, plan, 0));
        stage(blob, plan, 1, slice(file, plan, 1));
        stage(blob, plan, 3, slice(file, plan, 3));
        StagingAttempt failed = StagingAttempt.random();

        assertThrows(TransferInterrupted.class, () -> store.stage(blob, plan, 2, failed,
                block(new FailingStream(bytes(BLOCK, 9), BLOCK - 1, new IOException("connection reset")), BLOCK)));

        assertNotCountedWhereTheStoreCanTell(blob, plan, 2, failed);
        stage(blob, plan, 2, slice(file, plan, 2));
        commit(blob, plan);
        assertArrayEquals(file, readAll(blob, file.length));
    }

    @Test
    void stage_whenTheStreamEndsBeforeTheBlocksLength_isChunkLengthMismatch() throws IOException {
        BlobName blob = blob();
        byte[] file = bytes(2 * BLOCK, 10);
        ChunkPlan plan = plan(file.length);
        stage(blob, plan, 0, slice(file, plan, 0));
        StagingAttempt failed = StagingAttempt.random();

        assertThrows(ChunkLengthMismatch.class, () -> store.stage(blob, plan, 1, failed,
                block(new ByteArrayInputStream(bytes(BLOCK - 10, 11)), BLOCK)));

        assertNotCountedWhereTheStoreCanTell(blob, plan, 1, failed);
        stage(blob, plan, 1, slice(file, plan, 1));
        commit(blob, plan);
        assertArrayEquals(file, readAll(blob, file.length));
    }

    /**
     * A store that keeps attempts apart can tell that a failed attempt staged nothing: committing it is
     * {@link Incomplete}. A store that writes in place has one copy per block and cannot; there the domain's
     * record (which a failed staging never makes) is what counts.
     */
    private void assertNotCountedWhereTheStoreCanTell(BlobName blob, ChunkPlan plan, int block, StagingAttempt failed) {
        if (!keepsAttemptsApart()) {
            return;
        }
        List<StagingAttempt> attempts = new ArrayList<>(attemptsOf(blob, plan));
        attempts.set(block, failed);
        Incomplete thrown = assertThrows(Incomplete.class, () -> store.commit(blob, plan, attempts, attributes()));
        assertEquals(List.of(plan.chunkOf(block)), thrown.missingChunks());
        assertThrows(NotFound.class, () -> store.openCommitted(blob, 0, 0));
    }

    @Test
    void write_calledTwice_isRefused() {
        BlobName blob = blob();
        ChunkPlan plan = plan(2 * BLOCK);
        try (BlockStaging staging = store.openBlock(blob, plan, 0, StagingAttempt.random())) {
            staging.write(block(bytes(BLOCK, 12)));

            assertThrows(IllegalStateException.class, () -> staging.write(block(bytes(BLOCK, 13))));
        }
    }

    @Test
    void makeDurable_beforeAnyWrite_isRefused() {
        BlobName blob = blob();
        ChunkPlan plan = plan(2 * BLOCK);
        try (BlockStaging staging = store.openBlock(blob, plan, 0, StagingAttempt.random())) {
            assertThrows(IllegalStateException.class, staging::makeDurable);
        }
    }

    /** The domain writes a block on the request's thread and makes it durable, records and closes it on another. */
    @Test
    void aStagingWrittenOnOneThread_isMadeDurableAndClosedOnAnother_andTheBlockIsFreeAgain() throws Exception {
        BlobName blob = blob();
        byte[] file = bytes(2 * BLOCK, 32);
        ChunkPlan plan = plan(file.length);
        StagingAttempt first = StagingAttempt.random();
        BlockStaging staging = store.openBlock(blob, plan, 0, first);
        staging.write(block(Arrays.copyOf(file, BLOCK)));
        ExecutorService recorder = Executors.newSingleThreadExecutor();
        try {
            recorder.submit(() -> {
                staging.makeDurable();
                staging.close();
                return null;
            }).get(AWAIT_SECONDS, TimeUnit.SECONDS);
            StagingAttempt again = StagingAttempt.random();
            recorder.submit(() -> {
                // Would wait for ever if the first staging had not been let go by the thread that closed it.
                store.stage(blob, plan, 0, again, block(Arrays.copyOf(file, BLOCK)));
                return null;
            }).get(AWAIT_SECONDS, TimeUnit.SECONDS);
            recorded.computeIfAbsent(blob, b -> new ConcurrentHashMap<>()).put(0, again);
        } finally {
            recorder.shutdownNow();
        }
        stage(blob, plan, 1, Arrays.copyOfRange(file, BLOCK, 2 * BLOCK));

        commit(blob, plan);

        assertArrayEquals(file, readAll(blob, file.length));
    }

    @Test
    void openBlock_ofABlockOutsideThePlan_isRefused() {
        BlobName blob = blob();
        ChunkPlan plan = plan(2 * BLOCK);

        assertThrows(IllegalArgumentException.class, () -> store.openBlock(blob, plan, -1, StagingAttempt.random()));
        assertThrows(IllegalArgumentException.class, () -> store.openBlock(blob, plan, 2, StagingAttempt.random()));
    }

    @Test
    void openBlock_ofABlockAlreadyOpen_waitsUntilItIsClosed_whereTheStoreWritesInPlace() throws Exception {
        BlobName blob = blob();
        byte[] file = bytes(CHUNK, 14);
        ChunkPlan plan = plan(file.length);
        byte[] first = bytes(BLOCK, 15);
        byte[] second = bytes(BLOCK, 16);
        StagingAttempt firstAttempt = StagingAttempt.random();
        StagingAttempt secondAttempt = StagingAttempt.random();
        for (int block : List.of(0, 2, 3)) {
            stage(blob, plan, block, slice(file, plan, block));
        }
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            BlockStaging open = store.openBlock(blob, plan, 1, firstAttempt);
            CompletableFuture<Thread> worker = new CompletableFuture<>();
            CountDownLatch opened = new CountDownLatch(1);
            Future<?> other = pool.submit(() -> {
                worker.complete(Thread.currentThread());
                try (BlockStaging staging = store.openBlock(blob, plan, 1, secondAttempt)) {
                    opened.countDown();
                    staging.write(block(second));
                    staging.makeDurable();
                }
                return null;
            });
            if (keepsAttemptsApart()) {
                assertTrue(opened.await(AWAIT_SECONDS, TimeUnit.SECONDS), "attempts apart: the second openBlock does not wait");
                open.write(block(first));
                open.makeDurable();
                open.close();
                other.get(AWAIT_SECONDS, TimeUnit.SECONDS);
            } else {
                awaitWaiting(worker.get(AWAIT_SECONDS, TimeUnit.SECONDS));
                assertEquals(1, opened.getCount(), "the second openBlock returned while the first staging was open");
                open.write(block(first));
                open.makeDurable();
                assertEquals(1, opened.getCount(), "the second openBlock returned while the first staging was open");
                open.close();
                assertTrue(opened.await(AWAIT_SECONDS, TimeUnit.SECONDS), "the second openBlock returns once the first closed");
                other.get(AWAIT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        store.commit(blob, plan, attemptsWith(blob, plan, 1, secondAttempt), attributes());

        byte[] expected = file.clone();
        System.arraycopy(second, 0, expected, BLOCK, BLOCK);
        assertArrayEquals(expected, readAll(blob, file.length), "the second staging's bytes, whole, where the commit takes them");
    }

    @Test
    void openBlock_ofAnotherBlockOfTheSameBlob_doesNotWaitForAnOpenOne() throws Exception {
        BlobName blob = blob();
        byte[] file = bytes(2 * BLOCK, 17);
        ChunkPlan plan = plan(file.length);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (BlockStaging zero = store.openBlock(blob, plan, 0, StagingAttempt.random())) {
            StagingAttempt one = StagingAttempt.random();
            pool.submit(() -> {
                store.stage(blob, plan, 1, one, block(slice(file, plan, 1)));
                return null;
            }).get(AWAIT_SECONDS, TimeUnit.SECONDS);
            recorded.computeIfAbsent(blob, b -> new ConcurrentHashMap<>()).put(1, one);
        } finally {
            pool.shutdownNow();
        }
        stage(blob, plan, 0, slice(file, plan, 0));

        commit(blob, plan);

        assertArrayEquals(file, readAll(blob, file.length));
    }

    @Test
    void stage_ofOneBlockFromEightThreadsAtOnce_keepsOneBodyWhole_andTheOthersIntact() throws Exception {
        BlobName blob = blob();
        byte[] file = bytes(CHUNK, 18);
        ChunkPlan plan = plan(file.length);
        int threads = 8;
        List<StagingAttempt> attempts = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                byte[] body = filled(BLOCK, (byte) (t + 1));
                StagingAttempt attempt = StagingAttempt.random();
                attempts.add(attempt);
                results.add(pool.submit(() -> {
                    start.await();
                    // Written in several reads, so that unsynchronised writers would interleave.
                    store.stage(blob, plan, 1, attempt, block(new TrickleStream(body, 64), BLOCK));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> result : results) {
                result.get(AWAIT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int block : List.of(0, 2, 3)) {
            stage(blob, plan, block, slice(file, plan, block));
        }
        int named = 3;

        store.commit(blob, plan, attemptsWith(blob, plan, 1, attempts.get(named)), attributes());

        byte[] block1 = read(blob, BLOCK, BLOCK);
        if (keepsAttemptsApart()) {
            assertArrayEquals(filled(BLOCK, (byte) (named + 1)), block1, "the named attempt's bytes, whole");
        } else {
            byte value = block1[0];
            assertTrue(value >= 1 && value <= threads, "one of the bodies: " + value);
            assertArrayEquals(filled(BLOCK, value), block1, "one body whole, not a mix of several");
        }
        assertArrayEquals(Arrays.copyOfRange(file, 0, BLOCK), read(blob, 0, BLOCK));
        assertArrayEquals(Arrays.copyOfRange(file, 2 * BLOCK, CHUNK), read(blob, 2 * BLOCK, 2 * BLOCK));
    }

    @Test
    void commit_withoutAnExpectedSha256_readsNoByte_andAnswersNoDigest() {
        BlobName blob = blob();
        ChunkPlan plan = stageAll(blob, bytes(3 * CHUNK + 5, 19));

        CommittedBlob committed = commit(blob, plan);

        assertEquals(Optional.empty(), committed.sha256());
    }

    @Test
    void commit_withTheRightSha256_answersIt_whereTheStoreVerifies() throws IOException {
        BlobName blob = blob();
        byte[] file = bytes(2 * CHUNK + 3, 20);
        ChunkPlan plan = stageAll(blob, file);

        CommittedBlob committed = store.commit(blob, plan, attemptsOf(blob, plan), attributes(Optional.of(sha256Hex(file))));

        assertEquals(verifiesSha256OnCommit() ? Optional.of(sha256Hex(file)) : Optional.empty(), committed.sha256());
        assertArrayEquals(file, readAll(blob, file.length));
    }

    @Test
    void commit_withAWrongSha256_commitsNothing_whereTheStoreVerifies_andKeepsTheBlocksForAnotherTry() throws IOException {
        BlobName blob = blob();
        byte[] file = bytes(2 * CHUNK + 3, 21);
        ChunkPlan plan = stageAll(blob, file);
        String wrong = sha256Hex(new byte[1]);

        if (verifiesSha256OnCommit()) {
            assertThrows(ChecksumMismatch.class, () -> store.commit(blob, plan, attemptsOf(blob, plan),
                    attributes(Optional.of(wrong))));
            assertThrows(NotFound.class, () -> store.openCommitted(blob, 0, 0));
            CommittedBlob retried = store.commit(blob, plan, attemptsOf(blob, plan), attributes(Optional.of(sha256Hex(file))));
            assertEquals(Optional.of(sha256Hex(file)), retried.sha256());
        } else {
            // A store that cannot read its staged bytes keeps the expected digest as a label; the domain checks it.
            assertEquals(Optional.empty(), store.commit(blob, plan, attemptsOf(blob, plan), attributes(Optional.of(wrong))).sha256());
        }
        assertArrayEquals(file, readAll(blob, file.length));
    }

    @Test
    void commit_ofNothingStaged_isIncompleteNamingEveryChunk_andCommitsNothing() {
        BlobName blob = blob();
        ChunkPlan plan = plan(2 * CHUNK + 1);

        Incomplete thrown = assertThrows(Incomplete.class, () -> commit(blob, plan));

        assertEquals(List.of(0, 1, 2), thrown.missingChunks());
        assertThrows(NotFound.class, () -> store.openCommitted(blob, 0, 0));
    }

    @Test
    void commit_withBlocksMissing_isIncompleteNamingTheirChunks_whereTheStoreKeepsAttemptsApart() throws IOException {
        BlobName blob = blob();
        byte[] file = bytes(3 * CHUNK, 22);
        ChunkPlan plan = plan(file.length);
        for (int block = 0; block < plan.blockCount(); block++) {
            if (block != 1 && block != 2 && block != 9) {
                stage(blob, plan, block, slice(file, plan, block));
            }
        }

        if (keepsAttemptsApart()) {
            Incomplete thrown = assertThrows(Incomplete.class, () -> commit(blob, plan));
            assertEquals(List.of(0, 2), thrown.missingChunks());
            assertThrows(NotFound.class, () -> store.openCommitted(blob, 0, 0));
        } else {
            // In place, a block never written is a hole of zeros; the commit trusts the caller's records.
            commit(blob, plan);
            byte[] expected = file.clone();
            Arrays.fill(expected, BLOCK, 3 * BLOCK, (byte) 0);
            Arrays.fill(expected, 9 * BLOCK, 10 * BLOCK, (byte) 0);
            assertArrayEquals(expected, readAll(blob, file.length));
        }
    }

    @Test
    void commit_twice_isIdempotent() throws IOException {
        BlobName blob = blob();
        byte[] file = bytes(3 * CHUNK + 5, 23);
        ChunkPlan plan = stageAll(blob, file);

        CommittedBlob first = commit(blob, plan);
        CommittedBlob second = commit(blob, plan);

        assertEquals(file.length, first.size());
        assertEquals(first.size(), second.size());
        assertArrayEquals(file, readAll(blob, file.length));
    }

    @Test
    void commit_fromTwoThreadsAtOnce_commitsTheFileOnce() throws Exception {
        BlobName blob = blob();
        byte[] file = bytes(5 * CHUNK + 9, 24);
        ChunkPlan plan = stageAll(blob, file);
        List<StagingAttempt> attempts = attemptsOf(blob, plan);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<CommittedBlob>> results = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return store.commit(blob, plan, attempts, attributes());
                }));
            }
            start.countDown();
            for (Future<CommittedBlob> result : results) {
                assertEquals(file.length, result.get(AWAIT_SECONDS, TimeUnit.SECONDS).size());
            }
        } finally {
            pool.shutdownNow();
        }

        assertArrayEquals(file, readAll(blob, file.length));
    }

    @Test
    void openCommitted_withARange_returnsExactlyThoseBytes() throws IOException {
        BlobName blob = blob();
        byte[] file = bytes(3 * CHUNK + 99, 25);
        commit(blob, stageAll(blob, file));

        assertArrayEquals(Arrays.copyOfRange(file, CHUNK - 10, 2 * CHUNK + 10), read(blob, CHUNK - 10, CHUNK + 20));
        assertArrayEquals(new byte[0], read(blob, 100, 0));
        assertArrayEquals(new byte[0], read(blob, file.length, 0));
        assertArrayEquals(new byte[] {file[file.length - 1]}, read(blob, file.length - 1, 1));
        assertArrayEquals(new byte[] {file[0]}, read(blob, 0, 1));
        assertArrayEquals(file, read(blob, 0, file.length));
    }

    @Test
    void openCommitted_ofAnUnknownBlob_throwsNotFound() {
        assertThrows(NotFound.class, () -> store.openCommitted(blob(), 0, 0));
    }

    @Test
    void openCommitted_ofABlobOnlyStaged_throwsNotFound() {
        BlobName blob = blob();
        stageAll(blob, bytes(2 * CHUNK, 26));

        assertThrows(NotFound.class, () -> store.openCommitted(blob, 0, 1));
    }

    @Test
    void delete_removesTheCommittedBlob() {
        BlobName blob = blob();
        commit(blob, stageAll(blob, bytes(2 * CHUNK, 27)));

        store.delete(blob);

        assertThrows(NotFound.class, () -> store.openCommitted(blob, 0, 0));
    }

    @Test
    void delete_discardsEveryStagedBlock() {
        BlobName blob = blob();
        ChunkPlan plan = stageAll(blob, bytes(3 * CHUNK, 28));

        store.delete(blob);

        Incomplete thrown = assertThrows(Incomplete.class, () -> commit(blob, plan));
        assertEquals(List.of(0, 1, 2), thrown.missingChunks());
    }

    @Test
    void delete_ofSomethingAbsent_succeeds() {
        BlobName blob = blob();

        store.delete(blob);
        store.delete(blob);

        assertThrows(NotFound.class, () -> store.openCommitted(blob, 0, 0));
    }

    @Test
    void blobs_areIndependentOfEachOther() throws IOException {
        BlobName kept = blob();
        BlobName deleted = blob();
        byte[] keptFile = bytes(2 * CHUNK, 30);
        byte[] deletedFile = bytes(2 * CHUNK, 31);
        ChunkPlan plan = stageAll(kept, keptFile);
        stageAll(deleted, deletedFile);

        commit(kept, plan);
        store.delete(deleted);

        assertArrayEquals(keptFile, readAll(kept, keptFile.length));
        assertThrows(NotFound.class, () -> store.openCommitted(deleted, 0, 0));
    }

    /** The adapters' tests run in small heaps (the filesystem's 32 MiB): a block held whole would not fit. */
    @Test
    void stage_ofA64MiBBlock_streamsItFromAStreamThatIsNeverWholeInMemory() throws IOException {
        BlobName blob = blob();
        long length = 64 * ChunkPlan.MIB;
        ChunkPlan plan = ChunkPlan.of(length, length, length);
        assertEquals(1, plan.blockCount());

        StagingAttempt attempt = StagingAttempt.random();
        store.stage(blob, plan, 0, attempt, block(new GeneratedStream(length), length));
        CommittedBlob committed = store.commit(blob, plan, List.of(attempt), attributes());

        assertEquals(length, committed.size());
        try (InputStream in = store.openCommitted(blob, 0, length)) {
            assertEquals(crc(new GeneratedStream(length)), crc(in));
        }
    }

    // --- helpers -----------------------------------------------------------------------------

    private static BlobName blob() {
        return BlobName.of(UploadId.random());
    }

    /** A plan of {@code size} bytes in chunks of {@value #CHUNK} bytes, each of four blocks of {@value #BLOCK}. */
    private static ChunkPlan plan(long size) {
        return ChunkPlan.of(size, CHUNK, BLOCK);
    }

    private static BlobAttributes attributes() {
        return attributes(Optional.empty());
    }

    private static BlobAttributes attributes(Optional<String> sha256) {
        return new BlobAttributes("application/octet-stream", new FileName("test.bin"), UploadId.random(), sha256);
    }

    private static BlockData block(InputStream in, long length) {
        return new BlockData(in, length, Optional.empty());
    }

    private static BlockData block(byte[] data) {
        return block(new ByteArrayInputStream(data), data.length);
    }

    /** Stages {@code data} as block {@code block} under a new attempt, which {@link #commit(BlobName, ChunkPlan)} then takes. */
    private StagingAttempt stage(BlobName blob, ChunkPlan plan, int block, byte[] data) {
        StagingAttempt attempt = StagingAttempt.random();
        store.stage(blob, plan, block, attempt, block(data));
        recorded.computeIfAbsent(blob, b -> new ConcurrentHashMap<>()).put(block, attempt);
        return attempt;
    }

    /** The attempts {@link #stage} staged last, one per block (a fresh one, staged nowhere, where none). */
    private List<StagingAttempt> attemptsOf(BlobName blob, ChunkPlan plan) {
        Map<Integer, StagingAttempt> attempts = recorded.getOrDefault(blob, Map.of());
        List<StagingAttempt> list = new ArrayList<>();
        for (int i = 0; i < plan.blockCount(); i++) {
            list.add(attempts.getOrDefault(i, StagingAttempt.random()));
        }
        return list;
    }

    /** {@link #attemptsOf} with {@code attempt} for block {@code block}. */
    private List<StagingAttempt> attemptsWith(BlobName blob, ChunkPlan plan, int block, StagingAttempt attempt) {
        List<StagingAttempt> list = new ArrayList<>(attemptsOf(blob, plan));
        list.set(block, attempt);
        return list;
    }

    private CommittedBlob commit(BlobName blob, ChunkPlan plan) {
        return store.commit(blob, plan, attemptsOf(blob, plan), attributes());
    }

    private ChunkPlan stageAll(BlobName blob, byte[] file) {
        ChunkPlan plan = plan(file.length);
        for (int i = 0; i < plan.blockCount(); i++) {
            stage(blob, plan, i, slice(file, plan, i));
        }
        return plan;
    }

    private byte[] read(BlobName blob, long offset, long length) throws IOException {
        try (InputStream in = store.openCommitted(blob, offset, length)) {
            return in.readAllBytes();
        }
    }

    private byte[] readAll(BlobName blob, long size) throws IOException {
        return read(blob, 0, size);
    }

    /**
     * Returns once {@code thread} is parked or blocked (waiting for a lock), failing after a deadline: what a
     * second {@code openBlock} of an open block does in a store that writes in place.
     */
    private static void awaitWaiting(Thread thread) throws InterruptedException {
        Set<Thread.State> waiting = Set.of(Thread.State.WAITING, Thread.State.TIMED_WAITING, Thread.State.BLOCKED);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
        while (!waiting.contains(thread.getState())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the second openBlock neither waited nor returned: " + thread.getState());
            }
            Thread.sleep(1);
        }
    }

    private static byte[] slice(byte[] file, ChunkPlan plan, int block) {
        int from = (int) plan.blockOffset(block);
        return Arrays.copyOfRange(file, from, from + (int) plan.blockLength(block));
    }

    private static byte[] bytes(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static byte[] filled(int length, byte value) {
        byte[] data = new byte[length];
        Arrays.fill(data, value);
        return data;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
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
        // The length goes into the result too, so a short read never matches.
        return crc.getValue() ^ (total << 32);
    }

    /** Hands out {@code data}, then throws {@code failure} once {@code failAfter} bytes have been read. */
    private static final class FailingStream extends InputStream {
        private final byte[] data;
        private final int failAfter;
        private final Exception failure;
        private int position;

        FailingStream(byte[] data, int failAfter, Exception failure) {
            this.data = data;
            this.failAfter = failAfter;
            this.failure = failure;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (position >= failAfter) {
                if (failure instanceof IOException io) {
                    throw io;
                }
                throw (RuntimeException) failure;
            }
            int n = Math.min(length, failAfter - position);
            System.arraycopy(data, position, buffer, offset, n);
            position += n;
            return n;
        }
    }

    /** Hands out {@code data} at most {@code step} bytes per read. */
    private static final class TrickleStream extends InputStream {
        private final byte[] data;
        private final int step;
        private int position;

        TrickleStream(byte[] data, int step) {
            this.data = data;
            this.step = step;
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            if (count == 0) {
                return 0;
            }
            if (position >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(count, step), data.length - position);
            System.arraycopy(data, position, buffer, offset, n);
            position += n;
            Thread.yield();
            return n;
        }
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
            return position < length ? valueAt(position++) : -1;
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
                buffer[offset + i] = (byte) valueAt(position++);
            }
            return n;
        }

        private static int valueAt(long position) {
            long mixed = position * 0x9E3779B97F4A7C15L;
            return (int) (mixed >>> 56) & 0xff;
        }
    }
}
