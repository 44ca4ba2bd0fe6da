package dev.largeupload.domain.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.Concatenation;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.TransferMode;
import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every {@link MetadataStore} must do, run against each adapter by a concrete subclass.
 *
 * <p>Stores keep instants at millisecond precision, so every instant used here is whole milliseconds.
 * The tests do not depend on each other, and may share one backend: each works on uploads with
 * fresh random ids, and the expiry tests first mark expired whatever earlier tests left expiring
 * at their (far past) "now".
 */
public abstract class MetadataStoreContract {

    private static final long MIB = 1024L * 1024L;
    private static final String TOKEN_HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final String SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    protected MetadataStore store;
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    /** A store on an empty backend (or one holding only what other tests of this class wrote). */
    protected abstract MetadataStore newStore() throws Exception;

    /** Another instance, with its own connections, on the backend of the last {@link #newStore()}: a second server. */
    protected abstract MetadataStore secondStoreOnSameBackend() throws Exception;

    /**
     * Saves {@code session} in {@link #store} as a version before blocks did: without its plan's block size (no column
     * value, hash field or property), since a plan of that version had blocks as large as its chunks. A store that
     * never kept sessions without one creates it as it is.
     */
    protected abstract void createAsBeforeBlocks(UploadSession session) throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    // --- availability ------------------------------------------------------------------------

    @Test
    void checkAvailable_onAWorkingStore_returnsAndCreatesNothing() {
        UploadSession session = session(ChunkPlan.of(5 * MIB, MIB), Optional.empty());

        store.checkAvailable();

        assertTrue(store.find(session.id()).isEmpty());
    }

    // --- create and find ---------------------------------------------------------------------

    @Test
    void create_thenFind_returnsAnEqualSession() {
        UploadSession session = session(ChunkPlan.of(100 * MIB + 1, 10 * MIB), Optional.of(SHA256));
        store.create(session);
        assertSameSession(session, store.find(session.id()).orElseThrow());
    }

    @Test
    void create_withoutExpectedChecksum_findReturnsItAbsent() {
        UploadSession session = session(ChunkPlan.of(5 * MIB, MIB), Optional.empty());
        store.create(session);
        UploadSession found = store.find(session.id()).orElseThrow();
        assertEquals(Optional.empty(), found.expectedSha256());
        assertSameSession(session, found);
    }

    @Test
    void create_ofASessionWithChunksReceived_keepsThem() {
        UploadSession session = session(ChunkPlan.of(10 * MIB, MIB), Optional.empty())
                .withBlockReceived(0, now.plusMillis(1), now.plusSeconds(60))
                .withBlockReceived(9, now.plusMillis(2), now.plusSeconds(61));
        store.create(session);
        assertSameSession(session, store.find(session.id()).orElseThrow());
    }

    @Test
    void create_ofAnEmptyFile_keepsItsPlanOfNoChunks() {
        UploadSession session = session(ChunkPlan.of(0, 50 * MIB), Optional.empty());
        store.create(session);
        UploadSession found = store.find(session.id()).orElseThrow();
        assertSameSession(session, found);
        assertTrue(found.allChunksReceived());
    }

    @Test
    void create_ofADirectTransfer_keepsItsMode_throughStateChanges() {
        UploadSession session = session(ChunkPlan.of(10 * MIB, MIB), Optional.empty()).withTransfer(TransferMode.DIRECT);
        store.create(session);
        assertSameSession(session, store.find(session.id()).orElseThrow());
        assertTrue(store.compareAndSetState(session.id(), UploadState.ACTIVE, UploadState.COMPLETING, now.plusMillis(5)));
        assertEquals(TransferMode.DIRECT, store.find(session.id()).orElseThrow().transfer());
        UploadSession proxy = session(ChunkPlan.of(MIB, MIB), Optional.empty());
        store.create(proxy);
        assertEquals(TransferMode.PROXY, store.find(proxy.id()).orElseThrow().transfer());
    }

    @Test
    void find_ofUnknownId_isEmpty() {
        assertEquals(Optional.empty(), store.find(UploadId.random()));
    }

    @Test
    void create_twiceWithTheSameId_fails() {
        UploadSession session = session(ChunkPlan.of(3 * MIB, MIB), Optional.empty());
        store.create(session);
        assertThrows(IllegalStateException.class, () -> store.create(session));
        assertSameSession(session, store.find(session.id()).orElseThrow());
    }

    // --- recordBlock and receivedBlocks --------------------------------------------------------

    @Test
    void recordBlock_returnsTheRunningCount() {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        assertEquals(1, store.recordBlock(id, receipt(4)));
        assertEquals(2, store.recordBlock(id, receipt(0)));
        assertEquals(3, store.recordBlock(id, receipt(9)));
    }

    @Test
    void recordBlock_ofTheSameIndexTwice_countsItOnce() {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        assertEquals(1, store.recordBlock(id, receipt(3)));
        assertEquals(1, store.recordBlock(id, receipt(3)));
        assertEquals(bits(3), store.receivedBlocks(id));
    }

    @Test
    void recordBlock_pushesTheExpiry() {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        Instant later = now.plus(Duration.ofDays(5)).plusMillis(7);
        store.recordBlock(id, new BlockReceipt(2, now.plusSeconds(1), later, digestOf("two"), attemptOf(digestOf("two"))));
        UploadSession found = store.find(id).orElseThrow();
        assertEquals(later, found.expiresAt());
        assertTrue(found.hasReceived(2));
    }

    @Test
    void recordBlock_ofUnknownUpload_throwsNotFound() {
        assertThrows(UploadException.NotFound.class, () -> store.recordBlock(UploadId.random(), receipt(0)));
    }

    @ParameterizedTest
    @EnumSource(value = UploadState.class, names = {"COMPLETING", "COMPLETED", "ABORTED", "EXPIRED"})
    void recordBlock_whenNotActive_throwsNotActiveAndRecordsNothing(UploadState state) {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        store.recordBlock(id, receipt(1));
        moveTo(id, state);
        assertThrows(UploadException.NotActive.class, () -> store.recordBlock(id, receipt(2)));
        assertEquals(bits(1), store.receivedBlocks(id));
    }

    @Test
    void receivedBlocks_returnsExactlyTheRecordedIndexes() {
        UploadId id = created(ChunkPlan.of(100 * MIB, MIB));
        for (int index : new int[] {0, 1, 17, 63, 64, 99, 17}) {
            store.recordBlock(id, receipt(index));
        }
        assertEquals(bits(0, 1, 17, 63, 64, 99), store.receivedBlocks(id));
        assertEquals(bits(0, 1, 17, 63, 64, 99), store.find(id).orElseThrow().received());
    }

    @Test
    void receivedBlocks_ofANewUpload_isEmpty() {
        assertEquals(new BitSet(), store.receivedBlocks(created(ChunkPlan.of(10 * MIB, MIB))));
    }

    @Test
    void receivedBlocks_ofUnknownUpload_throwsNotFound() {
        assertThrows(UploadException.NotFound.class, () -> store.receivedBlocks(UploadId.random()));
    }

    // --- blocks: the plan's block size, blocks past the chunk count, hasBlock ------------------------

    /** 200 MiB and 5 bytes in chunks of 64 MiB: 4 chunks of 8 blocks of 8 MiB, 26 blocks, the last one 5 bytes. */
    private static ChunkPlan blocksSmallerThanChunks() {
        ChunkPlan plan = ChunkPlan.of(200 * MIB + 5, 64 * MIB);
        assertEquals(List.of(4, 8 * MIB, 26), List.of(plan.chunkCount(), plan.blockSize(), plan.blockCount()),
                "the plan these tests are written for");
        return plan;
    }

    @Test
    void create_ofAPlanWithBlocksSmallerThanItsChunks_findReturnsItsBlockSizeExactly() {
        ChunkPlan planned = blocksSmallerThanChunks();
        ChunkPlan odd = new ChunkPlan(10_000_003, 3_000_000, 4, 1_000_000);
        for (ChunkPlan plan : List.of(planned, odd)) {
            UploadSession session = session(plan, Optional.empty())
                    .withBlockReceived(plan.blockCount() - 1, now.plusMillis(1), now.plusSeconds(60));
            store.create(session);

            UploadSession found = store.find(session.id()).orElseThrow();

            assertSameSession(session, found);
            assertEquals(plan.blockSize(), found.plan().blockSize(), "block size");
            assertEquals(plan.blockCount(), found.plan().blockCount(), "block count");
        }
    }

    @Test
    void recordBlock_ofEveryBlockUpToThePlansLast_pastTheChunkCount_recordsEachOne() {
        ChunkPlan plan = blocksSmallerThanChunks();
        UploadId id = created(plan);
        for (int block = plan.blockCount() - 1; block >= 0; block--) {
            assertEquals(plan.blockCount() - block, store.recordBlock(id, receipt(block)), "count after block " + block);
        }
        BitSet all = new BitSet();
        all.set(0, plan.blockCount());
        assertEquals(all, store.receivedBlocks(id));
        assertEquals(plan.blockCount(), digests(id).size());
        UploadSession found = store.find(id).orElseThrow();
        assertTrue(found.allChunksReceived());
        assertEquals(plan.fileSize(), found.receivedBytes());
    }

    @Test
    void recordBlock_ofSomeBlocksOfAChunk_readsBackAsThatChunksDurablePrefix() {
        ChunkPlan plan = blocksSmallerThanChunks();
        UploadId id = created(plan);
        for (int block : new int[] {8, 9, 11}) { // chunk 1 is blocks 8 to 15
            store.recordBlock(id, receipt(block));
        }
        UploadSession found = store.find(id).orElseThrow();
        assertFalse(found.hasReceived(1));
        assertEquals(List.of(new UploadSession.PartialChunk(1, 16 * MIB)), found.partialChunks());
        assertEquals(3 * 8 * MIB, found.receivedBytes());
    }

    @Test
    void recordBlock_pastThePlansLastBlock_throwsIllegalArgumentAndRecordsNothing() {
        UploadId id = created(blocksSmallerThanChunks());
        assertThrows(IllegalArgumentException.class, () -> store.recordBlock(id, receipt(26)));
        assertThrows(IllegalArgumentException.class, () -> store.recordBlock(id, receipt(Integer.MAX_VALUE)));
        assertEquals(new BitSet(), store.receivedBlocks(id));
        assertTrue(digests(id).isEmpty());
    }

    @Test
    void hasBlock_isTrueForTheRecordedBlocksOnly() {
        UploadId id = created(blocksSmallerThanChunks());
        assertFalse(store.hasBlock(id, 0));
        store.recordBlock(id, receipt(0));
        store.recordBlock(id, receipt(25));
        assertTrue(store.hasBlock(id, 0));
        assertTrue(store.hasBlock(id, 25));
        assertFalse(store.hasBlock(id, 1));
        assertFalse(store.hasBlock(id, 24));
        assertFalse(store.hasBlock(id, 26), "past the plan's last block");
        assertFalse(store.hasBlock(id, Integer.MAX_VALUE), "far past the plan's last block");
    }

    @Test
    void hasBlock_ofACreatedSessionsBlocks_andAfterItStopsBeingActive_answersWhatIsRecorded() {
        UploadSession session = session(blocksSmallerThanChunks(), Optional.empty())
                .withBlockReceived(3, now.plusMillis(1), now.plusSeconds(60));
        store.create(session);
        assertTrue(store.hasBlock(session.id(), 3));
        assertFalse(store.hasBlock(session.id(), 2));
        moveTo(session.id(), UploadState.COMPLETED);
        assertTrue(store.hasBlock(session.id(), 3));
        assertFalse(store.hasBlock(session.id(), 2));
    }

    @Test
    void hasBlock_ofAnUnknownOrDeletedUpload_throwsNotFound() {
        assertThrows(UploadException.NotFound.class, () -> store.hasBlock(UploadId.random(), 0));
        UploadId id = created(blocksSmallerThanChunks());
        store.recordBlock(id, receipt(0));
        store.delete(id);
        assertThrows(UploadException.NotFound.class, () -> store.hasBlock(id, 0));
    }

    @Test
    void hasBlock_ofANegativeIndex_throwsIllegalArgument() {
        UploadId id = created(blocksSmallerThanChunks());
        assertThrows(IllegalArgumentException.class, () -> store.hasBlock(id, -1));
    }

    /**
     * hasBlock on a second server while four threads record blocks: a block whose recording has returned is seen,
     * a block once seen is never unseen, and at the end every block is seen, as {@code receivedBlocks} has it.
     */
    @Test
    void hasBlock_onAnotherServerWhileBlocksAreRecorded_seesEveryRecordThatReturned_andNeverLosesOne() throws Exception {
        MetadataStore reader = secondStoreOnSameBackend();
        int blocks = 1_000;
        ChunkPlan plan = new ChunkPlan(blocks * MIB, 8 * MIB, blocks / 8, MIB);
        UploadId id = created(plan);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(7));
        AtomicIntegerArray returned = new AtomicIntegerArray(blocks);
        AtomicIntegerArray seen = new AtomicIntegerArray(blocks);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger writing = new AtomicInteger(4);
        AtomicInteger reads = new AtomicInteger();
        // Readers and writers start together, and every reader reads at least once before the writers may begin.
        java.util.concurrent.CountDownLatch readersStarted = new java.util.concurrent.CountDownLatch(4);
        List<Callable<Void>> tasks = new ArrayList<>();
        tasks.addAll(Collections.nCopies(4, () -> {
            try {
                readersStarted.await();
                for (int i = next.getAndIncrement(); i < blocks; i = next.getAndIncrement()) {
                    store.recordBlock(id, receipt(order.get(i)));
                    returned.set(order.get(i), 1);
                }
            } finally {
                writing.decrementAndGet();
            }
            return null;
        }));
        for (int r = 0; r < 4; r++) {
            Random random = new Random(r);
            tasks.add(() -> {
                boolean first = true;
                while (first || writing.get() > 0) {
                    int block = random.nextInt(blocks);
                    boolean mustBeThere = returned.get(block) == 1 || seen.get(block) == 1;
                    boolean there = reader.hasBlock(id, block);
                    assertTrue(there || !mustBeThere, "block " + block + " recorded or seen before, then not there");
                    if (there) {
                        seen.set(block, 1);
                    }
                    reads.incrementAndGet();
                    if (first) {
                        first = false;
                        readersStarted.countDown();
                    }
                }
                return null;
            });
        }

        runAll(tasks);

        assertTrue(reads.get() > 0, "no read ran while the blocks were recorded");
        BitSet received = reader.receivedBlocks(id);
        assertEquals(blocks, received.cardinality());
        for (int block = 0; block < blocks; block++) {
            assertTrue(reader.hasBlock(id, block), "block " + block);
        }
        assertEquals(blocks, digests(id).size());
    }

    /** What a version before blocks saved reads as a plan whose blocks are its chunks, and records on by chunk. */
    @Test
    void aSessionSavedBeforeBlocksExisted_readsWithBlocksAsLargeAsItsChunks_andRecordsOnByChunk() throws Exception {
        ChunkPlan legacy = new ChunkPlan(200 * MIB + 5, 64 * MIB, 4); // today's plan of these sizes has 8 MiB blocks
        UploadSession session = session(legacy, Optional.of(SHA256)).withBlockReceived(1, now.plusMillis(1), now.plusSeconds(60));
        createAsBeforeBlocks(session);
        UploadId id = session.id();

        UploadSession found = store.find(id).orElseThrow();

        assertSameSession(session, found);
        assertEquals(64 * MIB, found.plan().blockSize());
        assertEquals(4, found.plan().blockCount());
        assertTrue(found.hasReceived(1));
        assertEquals(2, store.recordBlock(id, receipt(3)), "the last chunk, its one block");
        assertTrue(store.hasBlock(id, 3));
        assertFalse(store.hasBlock(id, 2));
        assertEquals(bits(1, 3), store.receivedBlocks(id));
        assertThrows(IllegalArgumentException.class, () -> store.recordBlock(id, receipt(4)), "past the legacy plan");
        assertEquals(List.of(0, 2), store.find(id).orElseThrow().missingChunks());
    }

    // --- compareAndSetState -------------------------------------------------------------------

    @Test
    void compareAndSetState_fromTheExpectedState_changesItAndItsUpdateTime() {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        Instant at = now.plusSeconds(30);
        assertTrue(store.compareAndSetState(id, UploadState.ACTIVE, UploadState.COMPLETING, at));
        UploadSession found = store.find(id).orElseThrow();
        assertEquals(UploadState.COMPLETING, found.state());
        assertEquals(at, found.updatedAt());
        assertTrue(store.compareAndSetState(id, UploadState.COMPLETING, UploadState.ACTIVE, at.plusMillis(1)));
        assertEquals(UploadState.ACTIVE, store.find(id).orElseThrow().state());
    }

    @Test
    void compareAndSetState_fromAnotherState_returnsFalseAndChangesNothing() {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        assertFalse(store.compareAndSetState(id, UploadState.COMPLETING, UploadState.COMPLETED, now.plusSeconds(1)));
        UploadSession found = store.find(id).orElseThrow();
        assertEquals(UploadState.ACTIVE, found.state());
        assertEquals(now, found.updatedAt());
    }

    @Test
    void compareAndSetState_twice_succeedsOnlyTheFirstTime() {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        assertTrue(store.compareAndSetState(id, UploadState.ACTIVE, UploadState.ABORTED, now));
        assertFalse(store.compareAndSetState(id, UploadState.ACTIVE, UploadState.ABORTED, now));
    }

    @Test
    void compareAndSetState_ofUnknownUpload_returnsFalse() {
        assertFalse(store.compareAndSetState(UploadId.random(), UploadState.ACTIVE, UploadState.ABORTED, now));
    }

    // --- delete --------------------------------------------------------------------------------

    @Test
    void delete_removesTheSessionAndItsChunks() {
        UploadSession session = session(ChunkPlan.of(10 * MIB, MIB), Optional.empty());
        store.create(session);
        store.recordBlock(session.id(), receipt(0));
        store.recordBlock(session.id(), receipt(5));

        store.delete(session.id());

        assertEquals(Optional.empty(), store.find(session.id()));
        assertThrows(UploadException.NotFound.class, () -> store.receivedBlocks(session.id()));
        store.create(session);
        assertEquals(new BitSet(), store.receivedBlocks(session.id()), "chunks of the deleted upload came back");
    }

    @Test
    void delete_ofUnknownUpload_doesNothing() {
        UploadId kept = created(ChunkPlan.of(10 * MIB, MIB));
        store.delete(UploadId.random());
        assertTrue(store.find(kept).isPresent());
    }

    // --- listExpired ---------------------------------------------------------------------------

    @Test
    void listExpired_returnsOnlyActiveUploadsExpiredAtOrBeforeNow() {
        Instant past = Instant.parse("2001-02-03T04:05:06.789Z");
        expireAllExpiredAt(past);
        UploadId expiredBefore = createdExpiringAt(past.minusSeconds(60));
        UploadId expiredExactlyNow = createdExpiringAt(past);
        UploadId notYetExpired = createdExpiringAt(past.plusMillis(1));
        UploadId expiredButCompleting = createdExpiringAt(past.minusSeconds(60));
        moveTo(expiredButCompleting, UploadState.COMPLETING);
        UploadId expiredButAborted = createdExpiringAt(past.minusSeconds(60));
        moveTo(expiredButAborted, UploadState.ABORTED);
        UploadId alreadyMarkedExpired = createdExpiringAt(past.minusSeconds(60));
        moveTo(alreadyMarkedExpired, UploadState.EXPIRED);

        List<UploadId> expired = store.listExpired(past, 100);

        assertEquals(Set.of(expiredBefore, expiredExactlyNow), new HashSet<>(expired));
        assertEquals(2, expired.size(), "an id was listed twice: " + expired);
        assertFalse(expired.contains(notYetExpired));
    }

    @Test
    void listExpired_respectsTheLimit() {
        Instant past = Instant.parse("2002-03-04T05:06:07.008Z");
        expireAllExpiredAt(past);
        Set<UploadId> all = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            all.add(createdExpiringAt(past.minusSeconds(i)));
        }
        List<UploadId> firstThree = store.listExpired(past, 3);
        assertEquals(3, firstThree.size());
        assertTrue(all.containsAll(firstThree));
        assertEquals(all, new HashSet<>(store.listExpired(past, 7)));
        assertEquals(List.of(), store.listExpired(past, 0));
    }

    // --- block digests -------------------------------------------------------------------------

    @Test
    void recordedBlocks_returnsEachRecordedChunksDigestInIndexOrder() {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        store.recordBlock(id, receipt(7));
        store.recordBlock(id, receipt(0));
        store.recordBlock(id, receipt(3));

        SortedMap<Integer, Sha256> digests = digests(id);

        assertEquals(List.of(0, 3, 7), new ArrayList<>(digests.keySet()));
        assertEquals(digestOf("chunk 0"), digests.get(0));
        assertEquals(digestOf("chunk 3"), digests.get(3));
        assertEquals(digestOf("chunk 7"), digests.get(7));
    }

    @Test
    void recordedBlocks_ofAChunkRecordedAgain_isTheLastOne() {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        store.recordBlock(id, receipt(2, digestOf("first")));
        assertEquals(1, store.recordBlock(id, receipt(2, digestOf("second"))));
        assertEquals(new TreeMap<>(java.util.Map.of(2, digestOf("second"))), digests(id));
    }

    @Test
    void recordedBlocks_ofANewUpload_isEmpty_andOfAnUnknownOne_throwsNotFound() {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        assertTrue(digests(id).isEmpty());
        assertThrows(UploadException.NotFound.class, () -> store.recordedBlocks(UploadId.random()));
    }

    @Test
    void recordedBlocks_ofADeletedUpload_doNotComeBack() {
        UploadSession session = session(ChunkPlan.of(10 * MIB, MIB), Optional.empty());
        store.create(session);
        store.recordBlock(session.id(), receipt(1));
        store.delete(session.id());
        store.create(session);
        assertTrue(digests(session.id()).isEmpty());
    }

    @Test
    void recordedBlocks_whenNotActive_recordsNoNewDigest() {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        store.recordBlock(id, receipt(1));
        moveTo(id, UploadState.ABORTED);
        assertThrows(UploadException.NotActive.class, () -> store.recordBlock(id, receipt(2)));
        assertEquals(java.util.Set.of(1), digests(id).keySet());
    }

    @Test
    void recordedBlocks_keepEachDigestWithItsAttempt_andARecordAgainReplacesBothTogether() {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        StagingAttempt first = new StagingAttempt(0x0123_4567_89ab_cdefL);
        StagingAttempt second = new StagingAttempt(-2);
        store.recordBlock(id, receipt(4, digestOf("first"), first));
        store.recordBlock(id, receipt(6, digestOf("six"), StagingAttempt.LEGACY));

        assertEquals(new RecordedBlock(digestOf("first"), first), store.recordedBlocks(id).get(4));
        assertEquals(new RecordedBlock(digestOf("six"), StagingAttempt.LEGACY), store.recordedBlocks(id).get(6));
        store.recordBlock(id, receipt(4, digestOf("second"), second));
        assertEquals(new RecordedBlock(digestOf("second"), second), store.recordedBlocks(id).get(4));
        assertEquals(2, store.recordedBlocks(id).size());
    }

    @Test
    void recordBlock_ofOneIndexWithManyBodiesAtOnce_keepsADigestWithItsOwnAttempt_asReadersSeeItAndAfterwards()
            throws Exception {
        MetadataStore other = secondStoreOnSameBackend();
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        int writers = 8;
        int perWriter = 25;
        Set<RecordedBlock> sent = ConcurrentHashMap.newKeySet();
        AtomicInteger writing = new AtomicInteger(writers);
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            MetadataStore writer = w % 2 == 0 ? store : other;
            int from = w * perWriter;
            tasks.add(() -> {
                try {
                    for (int i = from; i < from + perWriter; i++) {
                        Sha256 digest = digestOf("body " + i);
                        sent.add(new RecordedBlock(digest, attemptOf(digest)));
                        writer.recordBlock(id, receipt(5, digest));
                    }
                } finally {
                    writing.decrementAndGet();
                }
                return null;
            });
        }
        tasks.add(() -> {
            while (writing.get() > 0) {
                RecordedBlock seen = other.recordedBlocks(id).get(5);
                if (seen != null) {
                    assertEquals(attemptOf(seen.sha256()), seen.attempt(), "a reader saw the digest of one body with another's attempt");
                }
            }
            return null;
        });

        runAll(tasks);

        RecordedBlock kept = store.recordedBlocks(id).get(5);
        assertTrue(sent.contains(kept), "the record is one that was sent: " + kept);
        assertEquals(kept, other.recordedBlocks(id).get(5));
        assertEquals(bits(5), store.receivedBlocks(id));
    }

    // --- listFinished and countActive ------------------------------------------------------------

    @Test
    void listFinished_returnsExpiredAndAbortedUploadsChangedAtOrBeforeTheCutOff() {
        Instant cutOff = Instant.parse("2003-04-05T06:07:08.009Z");
        UploadId expiredBefore = createdChangedAt(UploadState.EXPIRED, cutOff.minusSeconds(60));
        UploadId abortedAtCutOff = createdChangedAt(UploadState.ABORTED, cutOff);
        UploadId expiredAfter = createdChangedAt(UploadState.EXPIRED, cutOff.plusMillis(1));
        UploadId completedBefore = createdExpiringAt(cutOff);
        moveTo(completedBefore, UploadState.COMPLETED);
        UploadId activeBefore = createdExpiringAt(cutOff.minusSeconds(60));

        List<UploadId> finished = store.listFinished(cutOff, 1000);

        assertTrue(finished.containsAll(List.of(expiredBefore, abortedAtCutOff)), "missing from " + finished);
        assertFalse(finished.contains(expiredAfter), "changed after the cut-off");
        assertFalse(finished.contains(completedBefore), "a completed upload is not finished with");
        assertFalse(finished.contains(activeBefore), "an active upload is not finished with");
        assertEquals(new HashSet<>(finished).size(), finished.size(), "an id was listed twice: " + finished);
    }

    @Test
    void listFinished_respectsTheLimit_andForgetsDeletedUploads() {
        Instant cutOff = Instant.parse("2004-05-06T07:08:09.010Z");
        for (int i = 0; i < 4; i++) {
            createdChangedAt(UploadState.EXPIRED, cutOff.minusSeconds(i));
        }
        assertEquals(2, store.listFinished(cutOff, 2).size());
        assertEquals(List.of(), store.listFinished(cutOff, 0));
        for (List<UploadId> left = store.listFinished(cutOff, 100); !left.isEmpty(); left = store.listFinished(cutOff, 100)) {
            left.forEach(store::delete);
        }
        assertEquals(List.of(), store.listFinished(cutOff, 100));
    }

    @Test
    void countActive_countsActiveUploadsNotYetExpired() {
        Instant at = now.plus(Duration.ofDays(3650));
        int before = store.countActive(at);
        createdExpiringAt(at.plusSeconds(60));
        createdExpiringAt(at.plusSeconds(61));
        createdExpiringAt(at);
        UploadId aborted = createdExpiringAt(at.plusSeconds(60));
        moveTo(aborted, UploadState.ABORTED);
        UploadId completing = createdExpiringAt(at.plusSeconds(60));
        moveTo(completing, UploadState.COMPLETING);

        assertEquals(before + 2, store.countActive(at));
    }

    // --- createWithinLimit ---------------------------------------------------------------------

    @Test
    void createWithinLimit_belowTheLimit_createsAndAtItCreatesNothing() {
        Instant at = now.plus(Duration.ofDays(4000));
        int before = store.countActive(at);
        UploadSession first = sessionExpiringAt(at.plusSeconds(60));
        UploadSession second = sessionExpiringAt(at.plusSeconds(60));

        assertTrue(store.createWithinLimit(first, before + 1, at));
        assertFalse(store.createWithinLimit(second, before + 1, at));

        assertSameSession(first, store.find(first.id()).orElseThrow());
        assertEquals(Optional.empty(), store.find(second.id()));
        assertEquals(before + 1, store.countActive(at));
        assertThrows(IllegalStateException.class, () -> store.createWithinLimit(first, before + 2, at));
        assertThrows(IllegalArgumentException.class, () -> store.createWithinLimit(second, 0, at));
    }

    @Test
    void createWithinLimit_countsOnlyActiveUploadsNotYetExpired() {
        Instant at = now.plus(Duration.ofDays(4100));
        int before = store.countActive(at);
        createdExpiringAt(at);
        moveTo(createdExpiringAt(at.plusSeconds(60)), UploadState.ABORTED);
        moveTo(createdExpiringAt(at.plusSeconds(60)), UploadState.COMPLETED);
        UploadSession admitted = sessionExpiringAt(at.plusSeconds(60));

        assertTrue(store.createWithinLimit(admitted, before + 1, at), "expired, aborted and completed uploads count");
        assertEquals(before + 1, store.countActive(at));
    }

    /** The cap on active uploads under concurrent creations: many threads on two servers, exactly the room left succeeds. */
    @Test
    void createWithinLimit_from16ThreadsOnTwoServersAtOnce_createsExactlyUpToTheLimit() throws Exception {
        MetadataStore other = secondStoreOnSameBackend();
        Instant at = now.plus(Duration.ofDays(4200));
        int room = 5;
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 10; round++) {
                int limit = store.countActive(at) + room;
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<Boolean>> attempts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    MetadataStore server = t % 2 == 0 ? store : other;
                    UploadSession session = sessionExpiringAt(at.plusSeconds(60));
                    attempts.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return server.createWithinLimit(session, limit, at);
                    }));
                }
                int created = 0;
                for (Future<Boolean> attempt : attempts) {
                    created += attempt.get(60, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(room, created, "round " + round + ": uploads created against a limit with room for " + room);
                assertEquals(limit, store.countActive(at), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // --- owners: listNewestFirst, usageOf, createWithinQuota ------------------------------------

    @Test
    void create_withAnOwner_keepsItAndItSurvivesChanges() {
        UploadSession session = ownedBy(uniqueOwner(), now, now.plus(Duration.ofHours(72)));
        store.create(session);
        assertSameSession(session, store.find(session.id()).orElseThrow());
        store.recordBlock(session.id(), receipt(0));
        moveTo(session.id(), UploadState.COMPLETED);
        assertEquals(session.owner(), store.find(session.id()).orElseThrow().owner());
    }

    @Test
    void listNewestFirst_ofAnOwner_listsExactlyItsUploadsNewestFirstAPageAtATime() {
        String owner = uniqueOwner();
        List<UploadSession> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // Two of them in the same millisecond: the id orders them.
            Instant createdAt = now.minusSeconds(100).plusMillis(i == 3 ? 2 : i);
            UploadSession session = ownedBy(owner, createdAt, now.plus(Duration.ofHours(72)));
            store.create(session);
            created.add(session);
        }
        store.create(ownedBy(uniqueOwner(), now.minusSeconds(100).plusMillis(1), now.plus(Duration.ofHours(72))));
        store.create(session(ChunkPlan.of(MIB, MIB), Optional.empty()));
        List<UploadId> expected = created.stream().sorted(ListPosition.NEWEST_FIRST).map(UploadSession::id).toList();

        List<UploadSession> first = store.listNewestFirst(Optional.of(owner), Optional.empty(), 2);
        List<UploadSession> second = store.listNewestFirst(Optional.of(owner), Optional.of(ListPosition.of(first.get(1))), 2);
        List<UploadSession> third = store.listNewestFirst(Optional.of(owner), Optional.of(ListPosition.of(second.get(1))), 2);

        List<UploadId> listed = new ArrayList<>();
        for (List<UploadSession> page : List.of(first, second, third)) {
            page.forEach(s -> listed.add(s.id()));
        }
        assertEquals(expected, listed);
        assertEquals(1, third.size());
        assertSameSession(created.stream().filter(s -> s.id().equals(first.get(0).id())).findFirst().orElseThrow(), first.get(0));
        assertEquals(List.of(), store.listNewestFirst(Optional.of(uniqueOwner()), Optional.empty(), 10));
        assertThrows(IllegalArgumentException.class, () -> store.listNewestFirst(Optional.of(owner), Optional.empty(), 0));
    }

    @Test
    void listNewestFirst_ofEveryone_listsUploadsOfAllOwnersAndNoneAndLeavesOutDeletedOnes() {
        Instant createdAt = now.plus(Duration.ofDays(9000));
        UploadSession a = ownedBy(uniqueOwner(), createdAt, createdAt.plus(Duration.ofHours(72)));
        UploadSession b = ownedBy(uniqueOwner(), createdAt.plusMillis(1), createdAt.plus(Duration.ofHours(72)));
        UploadSession none = UploadSession.start(UploadId.random(), new FileName("n.bin"), "application/octet-stream",
                ChunkPlan.of(MIB, MIB), TOKEN_HASH, Optional.empty(), createdAt.plusMillis(2), createdAt.plus(Duration.ofHours(72)));
        UploadSession gone = ownedBy(a.owner().orElseThrow(), createdAt.plusMillis(3), createdAt.plus(Duration.ofHours(72)));
        for (UploadSession s : List.of(a, b, none, gone)) {
            store.create(s);
        }
        store.delete(gone.id());

        List<UploadId> newest = store.listNewestFirst(Optional.empty(), Optional.empty(), 3).stream().map(UploadSession::id).toList();

        assertEquals(List.of(none.id(), b.id(), a.id()), newest);
        assertEquals(List.of(a.id()), store.listNewestFirst(a.owner(), Optional.empty(), 10).stream().map(UploadSession::id).toList());
    }

    @Test
    void usageOf_countsTheOwnersActiveUploadsNotYetExpiredAndTheirBytes() {
        String owner = uniqueOwner();
        Instant at = now.plus(Duration.ofDays(1));
        store.create(ownedBy(owner, now, at.plusSeconds(60)));
        store.create(ownedBy(owner, now, at.plusSeconds(60)));
        store.create(ownedBy(owner, now, at)); // expired at `at`
        UploadSession done = ownedBy(owner, now, at.plusSeconds(60));
        store.create(done);
        moveTo(done.id(), UploadState.COMPLETED);
        store.create(ownedBy(uniqueOwner(), now, at.plusSeconds(60)));

        assertEquals(new OwnerUsage(2, 20 * MIB), store.usageOf(owner, at));
        assertEquals(OwnerUsage.NONE, store.usageOf(uniqueOwner(), at));
    }

    @Test
    void createWithinQuota_refusesOverTheOwnersUploadsOrBytesAndSavesNothing() {
        String owner = uniqueOwner();
        Instant expires = now.plus(Duration.ofHours(72));
        OwnerQuota quota = new OwnerQuota(2, 25 * MIB);
        Admission first = store.createWithinQuota(ownedBy(owner, now, expires), quota, 0, now);
        Admission second = store.createWithinQuota(ownedBy(owner, now, expires), quota, 0, now);
        UploadSession third = ownedBy(owner, now, expires);
        Admission refused = store.createWithinQuota(third, quota, 0, now);
        Admission bytes = store.createWithinQuota(ownedBy(owner, now, expires), new OwnerQuota(0, 25 * MIB), 0, now);
        Admission other = store.createWithinQuota(ownedBy(uniqueOwner(), now, expires), quota, 0, now);

        assertEquals(new Admission(Admission.Outcome.CREATED, OwnerUsage.NONE), first);
        assertEquals(new Admission(Admission.Outcome.CREATED, new OwnerUsage(1, 10 * MIB)), second);
        assertEquals(new Admission(Admission.Outcome.OWNER_UPLOADS, new OwnerUsage(2, 20 * MIB)), refused);
        assertEquals(new Admission(Admission.Outcome.OWNER_BYTES, new OwnerUsage(2, 20 * MIB)), bytes);
        assertTrue(other.created(), "another owner has a quota of its own");
        assertEquals(Optional.empty(), store.find(third.id()));
        assertEquals(new OwnerUsage(2, 20 * MIB), store.usageOf(owner, now));
        assertThrows(IllegalArgumentException.class,
                () -> store.createWithinQuota(session(ChunkPlan.of(MIB, MIB), Optional.empty()), quota, 0, now));
    }

    @Test
    void createWithinQuota_withAServerCap_refusesWhenTheServerIsFull() {
        Instant at = now.plus(Duration.ofDays(4300));
        int limit = store.countActive(at) + 1;
        String owner = uniqueOwner();
        assertTrue(store.createWithinQuota(ownedBy(owner, at, at.plusSeconds(60)), new OwnerQuota(10, 0), limit, at).created());
        assertEquals(Admission.Outcome.SERVER_FULL,
                store.createWithinQuota(ownedBy(owner, at, at.plusSeconds(60)), new OwnerQuota(10, 0), limit, at).outcome());
    }

    /** The quota under 20 concurrent creations of one owner on two servers: never more than the quota active. */
    @Test
    void createWithinQuota_from20ThreadsOnTwoServersAtOnce_neverGoesOverTheQuota() throws Exception {
        MetadataStore other = secondStoreOnSameBackend();
        int threads = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 3; round++) {
                String owner = uniqueOwner();
                OwnerQuota quota = new OwnerQuota(round == 2 ? 0 : 3, round == 1 ? 0 : 50 * MIB);
                int expected = round == 2 ? 5 : 3;
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<Admission>> attempts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    MetadataStore server = t % 2 == 0 ? store : other;
                    UploadSession session = ownedBy(owner, now, now.plus(Duration.ofHours(72)));
                    attempts.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return server.createWithinQuota(session, quota, 0, now);
                    }));
                }
                int created = 0;
                for (Future<Admission> attempt : attempts) {
                    created += attempt.get(60, TimeUnit.SECONDS).created() ? 1 : 0;
                }
                assertEquals(expected, created, "round " + round);
                assertEquals(expected, store.usageOf(owner, now).uploads(), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // --- concurrency and scale -----------------------------------------------------------------

    @Test
    void recordBlock_from16ThreadsWithEachIndexSentTwice_recordsEachIndexOnce() throws Exception {
        int chunks = 2_000;
        UploadId id = created(ChunkPlan.of(chunks * MIB, MIB));
        List<Integer> work = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            work.add(i);
            work.add(i);
        }
        Collections.shuffle(work, new Random(42));
        AtomicInteger next = new AtomicInteger();
        AtomicInteger highestCount = new AtomicInteger();

        runInParallel(16, () -> {
            for (int i = next.getAndIncrement(); i < work.size(); i = next.getAndIncrement()) {
                int count = store.recordBlock(id, receipt(work.get(i)));
                assertTrue(count >= 1 && count <= chunks, "count " + count);
                highestCount.accumulateAndGet(count, Math::max);
            }
            return null;
        });

        BitSet all = new BitSet();
        all.set(0, chunks);
        assertEquals(all, store.receivedBlocks(id));
        assertEquals(chunks, highestCount.get());
        assertEquals(chunks, store.recordBlock(id, receipt(0)));
        assertTrue(store.find(id).orElseThrow().allChunksReceived());
    }

    @Test
    void compareAndSetState_racedByTwoStores_hasExactlyOneWinnerEachTime() throws Exception {
        MetadataStore other = secondStoreOnSameBackend();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 50; round++) {
                UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
                CyclicBarrier start = new CyclicBarrier(2);
                Future<Boolean> first = pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return store.compareAndSetState(id, UploadState.ACTIVE, UploadState.COMPLETING, now);
                });
                Future<Boolean> second = pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return other.compareAndSetState(id, UploadState.ACTIVE, UploadState.COMPLETING, now);
                });
                boolean firstWon = first.get(30, TimeUnit.SECONDS);
                boolean secondWon = second.get(30, TimeUnit.SECONDS);
                assertTrue(firstWon ^ secondWon, "round " + round + ": first " + firstWon + ", second " + secondWon);
                assertEquals(UploadState.COMPLETING, store.find(id).orElseThrow().state());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Chunks race a completion on another server: a chunk whose recording succeeded must be in the
     * set the completer reads right after its compare-and-set, and none may be added afterwards.
     */
    @Test
    void recordBlock_racingACompletion_isEitherRecordedBeforeItOrRefused() throws Exception {
        MetadataStore completer = secondStoreOnSameBackend();
        for (int round = 0; round < 10; round++) {
            int chunks = 400;
            UploadId id = created(ChunkPlan.of(chunks * MIB, MIB));
            Set<Integer> recorded = ConcurrentHashMap.newKeySet();
            Set<Integer> refused = ConcurrentHashMap.newKeySet();
            AtomicInteger next = new AtomicInteger();
            CountDownLatch someRecorded = new CountDownLatch(20 + round * 10);
            BitSet[] seenByCompleter = new BitSet[1];

            List<Callable<Void>> tasks = new ArrayList<>();
            tasks.add(() -> {
                assertTrue(someRecorded.await(30, TimeUnit.SECONDS));
                assertTrue(completer.compareAndSetState(id, UploadState.ACTIVE, UploadState.COMPLETING, now));
                seenByCompleter[0] = completer.receivedBlocks(id);
                return null;
            });
            tasks.addAll(Collections.nCopies(4, () -> {
                for (int i = next.getAndIncrement(); i < chunks; i = next.getAndIncrement()) {
                    try {
                        store.recordBlock(id, receipt(i));
                        recorded.add(i);
                    } catch (UploadException.NotActive e) {
                        refused.add(i);
                    }
                    someRecorded.countDown();
                }
                return null;
            }));
            runAll(tasks);

            BitSet finalSet = store.receivedBlocks(id);
            assertEquals(seenByCompleter[0], finalSet, "round " + round + ": a chunk was recorded after the completion");
            for (int index : recorded) {
                assertTrue(finalSet.get(index), "round " + round + ": chunk " + index + " reported recorded is missing");
            }
            for (int index : refused) {
                assertFalse(finalSet.get(index), "round " + round + ": chunk " + index + " refused yet recorded");
            }
            assertEquals(chunks, recorded.size() + refused.size());
        }
    }

    /**
     * 1 TB in chunks of 50 MiB, recorded block by block as the service records it: 20,972 chunks of 2 blocks of
     * 25 MiB, 41,944 blocks. Prints timings for the record; speed is judged by the benchmark, not here.
     */
    @Test
    void aSessionOf1TbIn41944Blocks_isRecordedByEightThreadsAndReadBackWhole() throws Exception {
        ChunkPlan plan = ChunkPlan.of(1L << 40, 50 * MIB);
        assertEquals(20_972, plan.chunkCount());
        assertEquals(25 * MIB, plan.blockSize());
        assertEquals(41_944, plan.blockCount());
        UploadId id = created(plan);
        AtomicInteger next = new AtomicInteger();

        long started = System.nanoTime();
        runInParallel(8, () -> {
            for (int i = next.getAndIncrement(); i < plan.blockCount(); i = next.getAndIncrement()) {
                store.recordBlock(id, receipt(i));
            }
            return null;
        });
        long recorded = System.nanoTime();
        BitSet received = store.receivedBlocks(id);
        long read = System.nanoTime();
        UploadSession found = store.find(id).orElseThrow();
        long foundAt = System.nanoTime();
        SortedMap<Integer, Sha256> digests = digests(id);
        long digestsAt = System.nanoTime();
        boolean hasLast = store.hasBlock(id, plan.blockCount() - 1);
        long hasBlockAt = System.nanoTime();

        System.out.printf("%s: 1 TB at 50 MiB (20,972 chunks of 2 blocks): 41,944 blocks recorded by 8 threads in %d ms"
                        + " (%.0f blocks/s); receivedBlocks %d ms; find %d ms; recordedBlocks %d ms; hasBlock %d ms%n",
                getClass().getSimpleName(), millis(started, recorded),
                plan.blockCount() * 1e9 / (recorded - started), millis(recorded, read), millis(read, foundAt),
                millis(foundAt, digestsAt), millis(digestsAt, hasBlockAt));
        assertEquals(plan.blockCount(), digests.size());
        assertEquals(digestOf("chunk 41943"), digests.get(41_943));
        assertEquals(plan.blockCount(), received.cardinality());
        assertEquals(plan.blockCount(), received.length());
        assertTrue(hasLast);
        assertTrue(found.allChunksReceived());
        assertEquals(plan.chunkCount(), found.receivedCount());
        assertEquals(plan.fileSize(), found.receivedBytes());
        assertEquals(plan, found.plan());
    }

    // --- helpers -------------------------------------------------------------------------------

    // --- deferred length ----------------------------------------------------------------------------

    @Test
    void create_ofAnUploadWithItsLengthDeferred_findReturnsItDeferred_andAnotherOneKnown() {
        UploadSession deferred = session(ChunkPlan.of(100 * MIB, 10 * MIB), Optional.empty()).withLengthDeferred();
        store.create(deferred);
        assertSameSession(deferred, store.find(deferred.id()).orElseThrow());
        assertTrue(store.find(deferred.id()).orElseThrow().lengthDeferred());
        assertFalse(store.find(created(ChunkPlan.of(MIB, MIB))).orElseThrow().lengthDeferred());
    }

    @Test
    void declareLength_cutsThePlanAndMarksTheLengthKnown_once_asEveryServerReadsIt() {
        UploadSession deferred = session(ChunkPlan.of(100 * MIB, 10 * MIB), Optional.empty()).withLengthDeferred();
        store.create(deferred);
        store.recordBlock(deferred.id(), receipt(0));
        UploadSession declared = store.find(deferred.id()).orElseThrow().withDeclaredLength(25 * MIB + 3);

        assertTrue(store.declareLength(deferred.id(), declared.plan()));
        UploadSession found = secondStore().find(deferred.id()).orElseThrow();
        assertEquals(declared.plan(), found.plan());
        assertFalse(found.lengthDeferred());
        assertTrue(found.hasReceivedBlock(0), "its blocks stay");
        assertFalse(store.declareLength(deferred.id(), deferred.plan().truncatedTo(30 * MIB)), "declared already");
        assertEquals(declared.plan(), store.find(deferred.id()).orElseThrow().plan());
    }

    @Test
    void declareLength_ofAnUploadWhoseLengthIsKnown_orNotActive_changesNothing() {
        UploadId known = created(ChunkPlan.of(100 * MIB, 10 * MIB));
        assertFalse(store.declareLength(known, ChunkPlan.of(100 * MIB, 10 * MIB).truncatedTo(MIB)));
        assertEquals(100 * MIB, store.find(known).orElseThrow().plan().fileSize());

        UploadSession deferred = session(ChunkPlan.of(100 * MIB, 10 * MIB), Optional.empty()).withLengthDeferred();
        store.create(deferred);
        assertTrue(store.compareAndSetState(deferred.id(), UploadState.ACTIVE, UploadState.ABORTED, now));
        assertFalse(store.declareLength(deferred.id(), deferred.plan().truncatedTo(MIB)));
        assertTrue(store.find(deferred.id()).orElseThrow().lengthDeferred());
    }

    @Test
    void declareLength_ofAnUnknownUpload_throwsNotFound() {
        assertThrows(UploadException.NotFound.class,
                () -> store.declareLength(UploadId.random(), ChunkPlan.of(MIB, MIB)));
    }

    // --- append state (labels and the partial block of uploads appended by offset) ---------------

    @Test
    void appendState_ofAnUploadWithoutOne_isEmpty() {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        assertTrue(store.appendState(id).isEmpty());
    }

    @Test
    void replaceAppendState_fromNone_thenFromItsRevision_keepsEachWhole() {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        AppendState first = AppendState.first("filename ZmlsZS5iaW4=,filetype dGV4dC9wbGFpbg==,empty");
        assertTrue(store.replaceAppendState(id, 0, first));
        assertEquals(Optional.of(first), store.appendState(id));

        AppendState second = first.withPartialBlock(Optional.of(new PartialBlock(3, 12345, StagingAttempt.random())));
        assertTrue(store.replaceAppendState(id, 1, second));
        assertEquals(Optional.of(second), store.appendState(id));
        assertEquals(Optional.of(second), secondStore().appendState(id), "as another server reads it");

        AppendState third = second.withPartialBlock(Optional.empty());
        assertTrue(store.replaceAppendState(id, 2, third));
        assertEquals(Optional.of(third), store.appendState(id));
    }

    @Test
    void replaceAppendState_keepsTheRoleInAConcatenation_upToTheMostPartsBesideTheLongestLabels() {
        UploadId part = created(ChunkPlan.of(10 * MIB, MIB));
        AppendState unclaimed = AppendState.first("filename cGFydA==").as(Concatenation.UNCLAIMED_PART);
        assertTrue(store.replaceAppendState(part, 0, unclaimed));
        assertEquals(Optional.of(unclaimed), store.appendState(part));
        UploadId claimer = UploadId.random();
        AppendState claimed = new AppendState(2, unclaimed.labels(), Optional.of(new PartialBlock(2, 7, StagingAttempt.random())),
                Concatenation.UNCLAIMED_PART.claimedBy(claimer));
        assertTrue(store.replaceAppendState(part, 1, claimed));
        assertEquals(Optional.of(claimed), secondStore().appendState(part), "as another server reads it");

        UploadId whole = created(ChunkPlan.of(10 * MIB, MIB));
        List<UploadId> parts = java.util.stream.Stream.generate(UploadId::random).limit(Concatenation.MAX_PARTS).toList();
        AppendState concatenation = AppendState.first("k".repeat(AppendState.MAX_LABELS)).as(Concatenation.of(parts));
        assertTrue(store.replaceAppendState(whole, 0, concatenation));
        assertEquals(Optional.of(concatenation), store.appendState(whole));
        assertEquals(Optional.of(concatenation), secondStore().appendState(whole), "as another server reads it");
    }

    @Test
    void replaceAppendState_fromAnotherRevision_changesNothing() {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        AppendState first = AppendState.first("");
        assertTrue(store.replaceAppendState(id, 0, first));
        assertFalse(store.replaceAppendState(id, 0, AppendState.first("other")), "one exists already");
        AppendState stale = new AppendState(3, "", Optional.of(new PartialBlock(0, 1, StagingAttempt.random())));
        assertFalse(store.replaceAppendState(id, 2, stale));
        assertEquals(Optional.of(first), store.appendState(id));
    }

    @Test
    void replaceAppendState_withARevisionThatDoesNotFollow_isRefused() {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        assertThrows(IllegalArgumentException.class, () -> store.replaceAppendState(id, 0, new AppendState(2, "", Optional.empty())));
    }

    @Test
    void appendState_ofAnUnknownUpload_isNotFound() {
        UploadId unknown = UploadId.random();
        assertThrows(UploadException.NotFound.class, () -> store.appendState(unknown));
        assertThrows(UploadException.NotFound.class, () -> store.replaceAppendState(unknown, 0, AppendState.first("")));
    }

    @Test
    void delete_removesTheAppendState() {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        assertTrue(store.replaceAppendState(id, 0, AppendState.first("a YQ==")));
        store.delete(id);
        assertThrows(UploadException.NotFound.class, () -> store.appendState(id));
    }

    @Test
    void replaceAppendState_racedFromTheSameRevision_savesExactlyOne() throws Exception {
        UploadId id = created(ChunkPlan.of(10 * MIB, MIB));
        assertTrue(store.replaceAppendState(id, 0, AppendState.first("")));
        MetadataStore other = secondStore();
        int rounds = 20;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < rounds; round++) {
                long revision = round + 1;
                AppendState current = store.appendState(id).orElseThrow();
                CyclicBarrier start = new CyclicBarrier(2);
                Callable<Boolean> a = () -> {
                    start.await();
                    return store.replaceAppendState(id, revision, current.withPartialBlock(
                            Optional.of(new PartialBlock(1, 10, StagingAttempt.random()))));
                };
                Callable<Boolean> b = () -> {
                    start.await();
                    return other.replaceAppendState(id, revision, current.withPartialBlock(
                            Optional.of(new PartialBlock(1, 20, StagingAttempt.random()))));
                };
                Future<Boolean> first = pool.submit(a);
                Future<Boolean> second = pool.submit(b);
                assertTrue(first.get(30, TimeUnit.SECONDS) ^ second.get(30, TimeUnit.SECONDS), "round " + round);
                assertEquals(revision + 1, store.appendState(id).orElseThrow().revision());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private MetadataStore secondStore() {
        try {
            return secondStoreOnSameBackend();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // --- the outbox of events ----------------------------------------------------------------

    @Test
    void createWithEvent_addsTheEventWithEveryField_andCreateWithoutAddsNone() {
        UploadSession session = session(ChunkPlan.of(3 * MIB, MIB), Optional.of(SHA256));
        UploadEvent event = new UploadEvent(UUID.randomUUID().toString(), UploadEvent.Type.CREATED, now, session.id(),
                Optional.of("user-ü@example.org"), session.fileName().value(), 3 * MIB, Optional.of(SHA256),
                Optional.empty(), session.blobName().value(), UploadState.ACTIVE);
        store.create(session, event);
        UploadId silent = created(ChunkPlan.of(MIB, MIB));

        List<PendingEvent> claimed = claimMine("a", now, Set.of(session.id(), silent));
        assertEquals(1, claimed.size());
        assertEquals(event, claimed.get(0).event());
        assertEquals(1, claimed.get(0).attempts());
        assertEquals(Set.of(), claimed.get(0).deliveredTo());
        assertTrue(store.outbox().remove(event.id(), "a"));
    }

    @Test
    void createWithinLimitWithEvent_addsTheEventOnlyWhenItCreates() {
        store.listExpired(now, Integer.MAX_VALUE).forEach(id -> store.compareAndSetState(id, UploadState.ACTIVE,
                UploadState.EXPIRED, now));
        int active = store.countActive(now);
        UploadSession first = session(ChunkPlan.of(MIB, MIB), Optional.empty());
        UploadSession refused = session(ChunkPlan.of(MIB, MIB), Optional.empty());
        assertTrue(store.createWithinLimit(first, active + 1, now, event(UploadEvent.Type.CREATED, first)));
        assertFalse(store.createWithinLimit(refused, active + 1, now, event(UploadEvent.Type.CREATED, refused)));

        List<PendingEvent> claimed = claimMine("a", now, Set.of(first.id(), refused.id()));
        assertEquals(List.of(first.id()), claimed.stream().map(p -> p.event().uploadId()).toList());
        store.outbox().remove(claimed.get(0).event().id(), "a");
    }

    @Test
    void compareAndSetStateWithEvent_addsTheEventOfTheOneChangeMade() throws Exception {
        UploadSession session = session(ChunkPlan.of(MIB, MIB), Optional.empty());
        store.create(session);
        AtomicInteger changes = new AtomicInteger();
        runInParallel(8, () -> {
            if (store.compareAndSetState(session.id(), UploadState.ACTIVE, UploadState.ABORTED, now,
                    event(UploadEvent.Type.ABORTED, session))) {
                changes.incrementAndGet();
            }
            return null;
        });
        assertEquals(1, changes.get());
        List<PendingEvent> claimed = claimMine("a", now, Set.of(session.id()));
        assertEquals(1, claimed.size());
        assertEquals(UploadEvent.Type.ABORTED, claimed.get(0).event().type());
        assertEquals(UploadState.ABORTED, claimed.get(0).event().state());
        assertTrue(store.outbox().remove(claimed.get(0).event().id(), "a"));
        assertTrue(claimMine("a", now.plusSeconds(3600), Set.of(session.id())).isEmpty());
    }

    @Test
    void claimDue_givesOnlyTheOldestEventOfAnUpload_theNextOnceItIsRemoved() {
        UploadSession session = session(ChunkPlan.of(MIB, MIB), Optional.empty());
        UploadEvent created = event(UploadEvent.Type.CREATED, session);
        store.create(session, created);
        moveTo(session.id(), UploadState.COMPLETING);
        UploadEvent completed = event(UploadEvent.Type.COMPLETED, session);
        assertTrue(store.compareAndSetState(session.id(), UploadState.COMPLETING, UploadState.COMPLETED, now, completed));

        assertEquals(List.of(created), events(claimMine("a", now, Set.of(session.id()))));
        // The head is leased; the second waits behind it, for every claimant.
        assertTrue(claimMine("b", now, Set.of(session.id())).isEmpty());
        assertTrue(store.outbox().remove(created.id(), "a"));
        assertEquals(List.of(completed), events(claimMine("b", now, Set.of(session.id()))));
        assertTrue(store.outbox().remove(completed.id(), "b"));
    }

    @Test
    void claimDue_leasesAnEventToOneClaimant_untilTheLeaseEnds() {
        UploadSession session = session(ChunkPlan.of(MIB, MIB), Optional.empty());
        UploadEvent created = event(UploadEvent.Type.CREATED, session);
        store.create(session, created);
        Duration lease = Duration.ofSeconds(30);

        assertEquals(1, claimMine("a", now, Set.of(session.id()), lease).size());
        assertTrue(claimMine("b", now.plus(lease).minusMillis(1), Set.of(session.id()), lease).isEmpty());
        assertFalse(store.outbox().remove(created.id(), "b"), "only the holder removes it");
        List<PendingEvent> again = claimMine("b", now.plus(lease), Set.of(session.id()), lease);
        assertEquals(List.of(created), events(again));
        assertEquals(2, again.get(0).attempts());
        assertFalse(store.outbox().release(created.id(), "a", now, Set.of()), "a's lease was taken over");
        assertTrue(store.outbox().remove(created.id(), "b"));
    }

    @Test
    void release_makesTheEventDueAtItsRetryTime_rememberingWhereItWasDelivered() {
        UploadSession session = session(ChunkPlan.of(MIB, MIB), Optional.empty());
        UploadEvent created = event(UploadEvent.Type.CREATED, session);
        store.create(session, created);
        long backlog = store.outbox().backlog();
        assertTrue(backlog >= 1);
        claimMine("a", now, Set.of(session.id()));
        Instant retryAt = now.plusSeconds(10);
        assertTrue(store.outbox().release(created.id(), "a", retryAt, Set.of("https://one.example/hook")));

        assertTrue(claimMine("a", retryAt.minusMillis(1), Set.of(session.id())).isEmpty());
        List<PendingEvent> again = claimMine("b", retryAt, Set.of(session.id()));
        assertEquals(Set.of("https://one.example/hook"), again.get(0).deliveredTo());
        assertEquals(2, again.get(0).attempts());
        assertEquals(backlog, store.outbox().backlog());
        assertTrue(store.outbox().remove(created.id(), "b"));
        assertEquals(backlog - 1, store.outbox().backlog());
        assertFalse(store.outbox().remove(created.id(), "b"), "removed once");
    }

    @Test
    void claimDue_byTwoServersAtOnce_leasesEachEventToExactlyOne() throws Exception {
        MetadataStore second = secondStoreOnSameBackend();
        Set<UploadId> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            UploadSession session = session(ChunkPlan.of(MIB, MIB), Optional.empty());
            store.create(session, event(UploadEvent.Type.CREATED, session));
            ids.add(session.id());
        }
        Instant later = now.plusSeconds(1);
        ConcurrentHashMap<String, String> holders = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        Set<UploadId> claimedUploads = ConcurrentHashMap.newKeySet();
        List<Callable<Void>> claimants = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            MetadataStore on = i % 2 == 0 ? store : second;
            String claimant = "server-" + i;
            claimants.add(() -> {
                for (int round = 0; round < 5; round++) {
                    for (PendingEvent pending : on.outbox().claimDue(claimant, later, Duration.ofMinutes(5), 7)) {
                        if (holders.putIfAbsent(pending.event().id(), claimant) != null) {
                            duplicates.incrementAndGet();
                        }
                        claimedUploads.add(pending.event().uploadId());
                    }
                }
                return null;
            });
        }
        runAll(claimants);
        assertEquals(0, duplicates.get());
        assertTrue(claimedUploads.containsAll(ids), "every event was claimed");
        // Whatever was claimed is removed by its holder (also other tests' leftovers, claimed here too).
        holders.forEach((event, claimant) -> (claimant.endsWith("0") || claimant.endsWith("2") ? store : second)
                .outbox().remove(event, claimant));
        assertTrue(claimMine("c", now.plus(Duration.ofMinutes(10)), ids).isEmpty(), "every event was claimed once");
    }

    /** Claims, as {@code claimant} at {@code at}, the due events of {@code uploads}; others' events are released at once. */
    private List<PendingEvent> claimMine(String claimant, Instant at, Set<UploadId> uploads) {
        return claimMine(claimant, at, uploads, Duration.ofMinutes(1));
    }

    private List<PendingEvent> claimMine(String claimant, Instant at, Set<UploadId> uploads, Duration lease) {
        List<PendingEvent> mine = new ArrayList<>();
        for (PendingEvent pending : store.outbox().claimDue(claimant, at, lease, 10_000)) {
            if (uploads.contains(pending.event().uploadId())) {
                mine.add(pending);
            } else {
                store.outbox().release(pending.event().id(), claimant, at, pending.deliveredTo());
            }
        }
        return mine;
    }

    private static List<UploadEvent> events(List<PendingEvent> pending) {
        return pending.stream().map(PendingEvent::event).toList();
    }

    private UploadEvent event(UploadEvent.Type type, UploadSession session) {
        return UploadEvent.of(type, session, now, Optional.empty(), type == UploadEvent.Type.COMPLETED
                ? Optional.of(SHA256) : Optional.empty());
    }

    private UploadSession session(ChunkPlan plan, Optional<String> expectedSha256) {
        return UploadSession.start(UploadId.random(), new FileName("Quartalsbericht Ü 2024 (final) 📄.pdf"),
                "application/pdf", plan, TOKEN_HASH, expectedSha256, now, now.plus(Duration.ofHours(72)));
    }

    /** A 10 MiB upload of {@code owner}. */
    private static UploadSession ownedBy(String owner, Instant createdAt, Instant expiresAt) {
        return UploadSession.start(UploadId.random(), new FileName("mine.bin"), "application/octet-stream",
                ChunkPlan.of(10 * MIB, MIB), TOKEN_HASH, Optional.empty(), createdAt, expiresAt)
                .withOwner(Optional.of(owner));
    }

    /** An owner no other test uses, as a shared backend keeps what earlier tests wrote. */
    private static String uniqueOwner() {
        return "subject-" + UploadId.random().value();
    }

    private UploadId created(ChunkPlan plan) {
        UploadSession session = session(plan, Optional.empty());
        store.create(session);
        return session.id();
    }

    private UploadId createdExpiringAt(Instant expiresAt) {
        UploadSession session = sessionExpiringAt(expiresAt);
        store.create(session);
        return session.id();
    }

    private static UploadSession sessionExpiringAt(Instant expiresAt) {
        return UploadSession.start(UploadId.random(), new FileName("old.bin"),
                "application/octet-stream", ChunkPlan.of(10 * MIB, MIB), TOKEN_HASH, Optional.empty(),
                expiresAt.minus(Duration.ofHours(72)), expiresAt);
    }

    /** Marks expired what other tests on a shared backend left expiring at or before {@code now}, as the expiry use case would. */
    private void expireAllExpiredAt(Instant now) {
        for (List<UploadId> left = store.listExpired(now, 100); !left.isEmpty(); left = store.listExpired(now, 100)) {
            left.forEach(id -> store.compareAndSetState(id, UploadState.ACTIVE, UploadState.EXPIRED, now));
        }
    }

    private BlockReceipt receipt(int index) {
        return receipt(index, digestOf("chunk " + index));
    }

    private BlockReceipt receipt(int index, Sha256 sha256) {
        return receipt(index, sha256, attemptOf(sha256));
    }

    private BlockReceipt receipt(int index, Sha256 sha256, StagingAttempt attempt) {
        return new BlockReceipt(index, now.plusMillis(index), now.plus(Duration.ofHours(72)).plusMillis(index), sha256, attempt);
    }

    /** An attempt that tests pair with {@code sha256}: its first eight bytes (never 0 for the digests used here). */
    private static StagingAttempt attemptOf(Sha256 sha256) {
        long value = java.nio.ByteBuffer.wrap(sha256.bytes()).getLong();
        return new StagingAttempt(value == 0 ? 1 : value);
    }

    /** The recorded digests by index, each checked to be recorded with the attempt the tests pair with it. */
    private SortedMap<Integer, Sha256> digests(UploadId id) {
        SortedMap<Integer, Sha256> digests = new TreeMap<>();
        store.recordedBlocks(id).forEach((index, record) -> {
            assertEquals(attemptOf(record.sha256()), record.attempt(), "chunk " + index + " has the attempt of another digest");
            digests.put(index, record.sha256());
        });
        return digests;
    }

    private static Sha256 digestOf(String text) {
        return Sha256.of(Sha256.newDigest().digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private UploadId createdChangedAt(UploadState state, Instant changedAt) {
        UploadId id = createdExpiringAt(changedAt.plus(Duration.ofHours(1)));
        assertTrue(store.compareAndSetState(id, UploadState.ACTIVE, state, changedAt));
        return id;
    }

    private void moveTo(UploadId id, UploadState state) {
        if (state == UploadState.COMPLETED) {
            moveTo(id, UploadState.COMPLETING);
            assertTrue(store.compareAndSetState(id, UploadState.COMPLETING, UploadState.COMPLETED, now));
        } else {
            assertTrue(store.compareAndSetState(id, UploadState.ACTIVE, state, now));
        }
    }

    private static BitSet bits(int... indexes) {
        BitSet bits = new BitSet();
        for (int index : indexes) {
            bits.set(index);
        }
        return bits;
    }

    /** Runs {@code task} on {@code threads} threads at once and rethrows the first failure. */
    private static void runInParallel(int threads, Callable<Void> task) throws Exception {
        runAll(Collections.nCopies(threads, task));
    }

    /** Runs each task on a thread of its own and rethrows the first failure. */
    private static void runAll(List<Callable<Void>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<Void>> running = new ArrayList<>();
            for (Callable<Void> task : tasks) {
                running.add(pool.submit(task));
            }
            for (Future<Void> future : running) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static long millis(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }

    private static void assertSameSession(UploadSession expected, UploadSession actual) {
        assertEquals(expected.id(), actual.id(), "id");
        assertEquals(expected.fileName(), actual.fileName(), "fileName");
        assertEquals(expected.contentType(), actual.contentType(), "contentType");
        assertEquals(expected.plan(), actual.plan(), "plan");
        assertEquals(expected.received(), actual.received(), "received");
        assertEquals(expected.state(), actual.state(), "state");
        assertEquals(expected.createdAt(), actual.createdAt(), "createdAt");
        assertEquals(expected.updatedAt(), actual.updatedAt(), "updatedAt");
        assertEquals(expected.expiresAt(), actual.expiresAt(), "expiresAt");
        assertEquals(expected.tokenHash(), actual.tokenHash(), "tokenHash");
        assertEquals(expected.expectedSha256(), actual.expectedSha256(), "expectedSha256");
        assertEquals(expected.lengthDeferred(), actual.lengthDeferred(), "lengthDeferred");
        assertEquals(expected.transfer(), actual.transfer(), "transfer");
        assertEquals(expected.owner(), actual.owner(), "owner");
    }
}
