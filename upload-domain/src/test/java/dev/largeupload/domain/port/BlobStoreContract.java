package dev.largeupload.domain.port;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.error.UploadException.ChunkLengthMismatch;
import dev.largeupload.domain.error.UploadException.Incomplete;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.UploadId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
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
 * The behaviour every {@link BlobStore} promises, run against each adapter: a concrete subclass
 * per adapter supplies a fresh, empty store with {@link #newStore()} and inherits every test.
 * Data is small (a few KiB) except in the one test that shows a large chunk is streamed.
 */
public abstract class BlobStoreContract {

    private static final int CHUNK = 4096;

    protected BlobStore store;
    /** The attempt of each chunk that {@link #stage(BlobName, int, byte[])} staged last: what the metadata store would record. */
    private final Map<BlobName, Map<Integer, StagingAttempt>> recorded = new ConcurrentHashMap<>();

    /** A new store with nothing in it; called before each test. */
    protected abstract BlobStore newStore() throws Exception;

    @BeforeEach
    void createStore() throws Exception {
        store = newStore();
    }

    @Test
    void checkAvailable_onAWorkingStore_returnsAndChangesNothing() {
        BlobName blob = blob();

        store.checkAvailable();
    }

    @Test
    void commit_ofChunksStagedInRandomOrder_joinsThemInIndexOrder() throws IOException {
        BlobName blob = blob();
        byte[] file = bytes(10 * CHUNK + 123, 1);
        ChunkPlan plan = ChunkPlan.of(file.length, CHUNK);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < plan.chunkCount(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(7));
        for (int index : order) {
            stage(blob, index, slice(file, plan, index));
        }

        CommittedBlob committed = commit(blob, plan);

        assertEquals(file.length, committed.size());
        assertArrayEquals(file, readAll(blob, file.length));
    }

    @Test
    void commit_ofZeroChunkPlan_createsAnEmptyBlob() throws IOException {
        BlobName blob = blob();

        CommittedBlob committed = commit(blob, ChunkPlan.of(0, CHUNK));

        assertEquals(0, committed.size());
        assertArrayEquals(new byte[0], readAll(blob, 0));
    }

    @Test
    void stage_ofAnIndexAgainUnderAnotherAttempt_overwritesNothing_andCommitTakesTheAttemptItIsGiven() throws IOException {
        BlobName blob = blob();
        ChunkPlan plan = ChunkPlan.of(2 * CHUNK, CHUNK);
        byte[] first = bytes(CHUNK, 2);
        byte[] earlier = bytes(CHUNK, 3);
        byte[] later = bytes(CHUNK, 4);
        StagingAttempt firstAttempt = StagingAttempt.random();
        StagingAttempt earlierAttempt = StagingAttempt.random();
        store.stage(blob, plan, 0, firstAttempt, chunk(new ByteArrayInputStream(first), CHUNK));
        store.stage(blob, plan, 1, earlierAttempt, chunk(new ByteArrayInputStream(earlier), CHUNK));

        store.stage(blob, plan, 1, StagingAttempt.random(), chunk(new ByteArrayInputStream(later), CHUNK));
        store.commit(blob, plan, List.of(firstAttempt, earlierAttempt), attributes());

        assertArrayEquals(concat(first, earlier), readAll(blob, plan.fileSize()), "the later attempt replaced the earlier");
    }

    /** An upload staged wholly by a version before staging attempts, completed by this one. */
    @Test
    void stage_underTheLegacyAttempt_isCommittedByIt() throws IOException {
        BlobName blob = blob();
        ChunkPlan plan = ChunkPlan.of(2 * CHUNK, CHUNK);
        byte[] zero = bytes(CHUNK, 40);
        byte[] one = bytes(CHUNK, 41);
        store.stage(blob, plan, 0, StagingAttempt.LEGACY, chunk(new ByteArrayInputStream(zero), CHUNK));
        store.stage(blob, plan, 1, StagingAttempt.LEGACY, chunk(new ByteArrayInputStream(one), CHUNK));

        store.commit(blob, plan, List.of(StagingAttempt.LEGACY, StagingAttempt.LEGACY), attributes());

        assertArrayEquals(concat(zero, one), readAll(blob, plan.fileSize()));
    }

    @Test
    void commit_ofAnAttemptNotStaged_throwsIncompleteEvenWhenAnotherAttemptOfTheIndexIs() {
        BlobName blob = blob();
        ChunkPlan plan = ChunkPlan.of(2 * CHUNK, CHUNK);
        StagingAttempt zero = stage(blob, 0, bytes(CHUNK, 42));
        stage(blob, 1, bytes(CHUNK, 43));

        Incomplete thrown = assertThrows(Incomplete.class,
                () -> store.commit(blob, plan, List.of(zero, StagingAttempt.random()), attributes()));

        assertEquals(List.of(1), thrown.missingChunks());
        assertThrows(NotFound.class, () -> store.openCommitted(blob, 0, 0));
    }

    @Test
    void stage_whenTheStreamThrowsADomainErrorMidway_propagatesItAndKeepsTheEarlierStaging() throws IOException {
        BlobName blob = blob();
        ChunkPlan plan = ChunkPlan.of(2 * CHUNK, CHUNK);
        byte[] first = bytes(CHUNK, 5);
        byte[] earlier = bytes(CHUNK, 6);
        stage(blob, 0, first);
        stage(blob, 1, earlier);
        ChunkLengthMismatch failure = new ChunkLengthMismatch(1, CHUNK, "the body ended early");

        UploadException thrown = assertThrows(UploadException.class, () -> store.stage(blob, plan, 1, StagingAttempt.random(),
                chunk(new FailingStream(bytes(CHUNK, 7), CHUNK / 2, failure), CHUNK)));

        assertSame(failure, thrown);
        commit(blob, plan);
        assertArrayEquals(concat(first, earlier), readAll(blob, plan.fileSize()));
    }

    @Test
    void stage_whenTheStreamFailsWithAnIOException_stagesNothing() {
        BlobName blob = blob();
        ChunkPlan plan = ChunkPlan.of(2 * CHUNK, CHUNK);
        stage(blob, 0, bytes(CHUNK, 8));

        assertThrows(UploadException.class, () -> store.stage(blob, plan, 1, StagingAttempt.random(),
                chunk(new FailingStream(bytes(CHUNK, 9), CHUNK - 1, new IOException("connection reset")), CHUNK)));
    }

    @Test
    void stage_whenTheStreamEndsBeforeTheLength_stagesNothing() {
        BlobName blob = blob();
        ChunkPlan plan = ChunkPlan.of(2 * CHUNK, CHUNK);

        assertThrows(UploadException.class, () -> store.stage(blob, plan, 1, StagingAttempt.random(),
                chunk(new ByteArrayInputStream(bytes(CHUNK - 10, 10)), CHUNK)));
    }




    @Test
    void commit_withChunksMissing_throwsIncompleteListingThemAndCommitsNothing() {
        BlobName blob = blob();
        ChunkPlan plan = ChunkPlan.of(5 * CHUNK, CHUNK);
        stage(blob, 0, bytes(CHUNK, 16));
        stage(blob, 1, bytes(CHUNK, 17));
        stage(blob, 3, bytes(CHUNK, 18));

        Incomplete thrown = assertThrows(Incomplete.class, () -> commit(blob, plan));

        assertEquals(List.of(2, 4), thrown.missingChunks());
        assertThrows(NotFound.class, () -> store.openCommitted(blob, 0, 0));
    }

    @Test
    void commit_withAChunkOfTheWrongLength_throwsIncompleteListingIt() {
        BlobName blob = blob();
        ChunkPlan plan = ChunkPlan.of(2 * CHUNK, CHUNK);
        stage(blob, 0, bytes(CHUNK, 19));
        stage(blob, 1, bytes(CHUNK + 1, 20));

        Incomplete thrown = assertThrows(Incomplete.class, () -> commit(blob, plan));

        assertEquals(List.of(1), thrown.missingChunks());
        assertThrows(NotFound.class, () -> store.openCommitted(blob, 0, 0));
    }

    @Test
    void commit_twice_isIdempotent() throws IOException {
        BlobName blob = blob();
        byte[] file = bytes(3 * CHUNK + 5, 21);
        ChunkPlan plan = stageAll(blob, file);

        CommittedBlob first = commit(blob, plan);
        CommittedBlob second = commit(blob, plan);

        assertEquals(file.length, first.size());
        assertEquals(first.size(), second.size());
        assertArrayEquals(file, readAll(blob, file.length));
    }

    @Test
    void commit_leavesNoChunkStaged_norAnyOtherAttempt() {
        BlobName blob = blob();
        store.stage(blob, ChunkPlan.of(2 * CHUNK, CHUNK), 0, StagingAttempt.random(), chunk(new ByteArrayInputStream(bytes(CHUNK, 44)), CHUNK));
        ChunkPlan plan = stageAll(blob, bytes(2 * CHUNK, 22));

        commit(blob, plan);
    }

    @Test
    void openCommitted_withARange_returnsExactlyThoseBytes() throws IOException {
        BlobName blob = blob();
        byte[] file = bytes(3 * CHUNK + 99, 23);
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
        stageAll(blob, bytes(2 * CHUNK, 24));

        assertThrows(NotFound.class, () -> store.openCommitted(blob, 0, 1));
    }

    @Test
    void delete_removesTheCommittedBlob() {
        BlobName blob = blob();
        commit(blob, stageAll(blob, bytes(2 * CHUNK, 25)));

        store.delete(blob);

        assertThrows(NotFound.class, () -> store.openCommitted(blob, 0, 0));
    }

    @Test
    void delete_discardsStagedChunks() {
        BlobName blob = blob();
        ChunkPlan plan = ChunkPlan.of(3 * CHUNK, CHUNK);
        stage(blob, 0, bytes(CHUNK, 26));
        stage(blob, 2, bytes(CHUNK, 27));

        store.delete(blob);
        assertThrows(Incomplete.class, () -> commit(blob, plan));
    }

    @Test
    void delete_ofSomethingAbsent_succeeds() {
        BlobName blob = blob();

        store.delete(blob);
        store.delete(blob);

        assertThrows(NotFound.class, () -> store.openCommitted(blob, 0, 0));
    }

    @Test
    void stage_ofTheSameIndexFromEightThreadsAtOnce_keepsEachAttemptWhole_andCommitTakesTheOneNamed() throws Exception {
        BlobName blob = blob();
        ChunkPlan plan = ChunkPlan.of(3 * CHUNK, CHUNK);
        int threads = 8;
        List<StagingAttempt> attempts = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                byte[] filled = filled(CHUNK, (byte) (t + 1));
                StagingAttempt attempt = StagingAttempt.random();
                attempts.add(attempt);
                results.add(pool.submit(() -> {
                    start.await();
                    store.stage(blob, plan, 1, attempt, chunk(new ByteArrayInputStream(filled), filled.length));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        StagingAttempt zero = stage(blob, 0, bytes(CHUNK, 28));
        StagingAttempt two = stage(blob, 2, bytes(CHUNK, 29));
        int named = 3;

        store.commit(blob, plan, List.of(zero, attempts.get(named), two), attributes());

        assertArrayEquals(filled(CHUNK, (byte) (named + 1)), read(blob, CHUNK, CHUNK), "the named attempt's bytes, whole");
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

    @Test
    void stage_ofA64MiBChunk_streamsItFromAStreamThatIsNeverWholeInMemory() throws IOException {
        BlobName blob = blob();
        long length = 64 * ChunkPlan.MIB;
        ChunkPlan plan = ChunkPlan.of(length, length);

        StagingAttempt attempt = StagingAttempt.random();
        store.stage(blob, plan, 0, attempt, chunk(new GeneratedStream(length), length));
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

    private static BlobAttributes attributes() {
        return new BlobAttributes("application/octet-stream", new FileName("test.bin"), UploadId.random(), Optional.empty());
    }

    private static BlockData chunk(InputStream in, long length) {
        return new BlockData(in, length, Optional.empty());
    }

    /** A plan with room for every index the tests stage through {@link #stage(BlobName, int, byte[])}. */
    private static final ChunkPlan ANY_PLAN = new ChunkPlan(1000L * CHUNK, CHUNK, 1000);

    /** Stages {@code data} as chunk {@code index} under a new attempt, which {@link #commit(BlobName, ChunkPlan)} then takes. */
    private StagingAttempt stage(BlobName blob, int index, byte[] data) {
        StagingAttempt attempt = StagingAttempt.random();
        store.stage(blob, ANY_PLAN, index, attempt, chunk(new ByteArrayInputStream(data), data.length));
        recorded.computeIfAbsent(blob, b -> new ConcurrentHashMap<>()).put(index, attempt);
        return attempt;
    }

    /** Commits the attempts {@link #stage(BlobName, int, byte[])} staged last (a fresh one, staged nowhere, where none). */
    private CommittedBlob commit(BlobName blob, ChunkPlan plan) {
        Map<Integer, StagingAttempt> attempts = recorded.getOrDefault(blob, Map.of());
        List<StagingAttempt> list = new ArrayList<>();
        for (int i = 0; i < plan.chunkCount(); i++) {
            list.add(attempts.getOrDefault(i, StagingAttempt.random()));
        }
        return store.commit(blob, plan, list, attributes());
    }

    private ChunkPlan stageAll(BlobName blob, byte[] file) {
        ChunkPlan plan = ChunkPlan.of(file.length, CHUNK);
        for (int i = 0; i < plan.chunkCount(); i++) {
            stage(blob, i, slice(file, plan, i));
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

    private static byte[] slice(byte[] file, ChunkPlan plan, int index) {
        int from = (int) plan.offsetOf(index);
        return Arrays.copyOfRange(file, from, from + (int) plan.lengthOf(index));
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

    private static BitSet bitSet(int... indexes) {
        BitSet set = new BitSet();
        for (int index : indexes) {
            set.set(index);
        }
        return set;
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
