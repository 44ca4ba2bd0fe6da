package dev.largeupload.metadata.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.BlockReceipt;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.sql.DataSource;

/**
 * Checks of how {@link JdbcMetadataStore} keeps the received blocks, shared by the H2 and PostgreSQL tests:
 * as a bitmap on the upload's row, which {@code find}, {@code receivedBlocks} and {@code hasBlock} read alone, so
 * that their cost does not grow with the blocks received.
 */
final class ReceivedBitmapCheck {

    private static final long MIB = 1024L * 1024L;

    private ReceivedBitmapCheck() {
    }

    /**
     * The bitmap column holds exactly the recorded chunks, and reading an upload does not read its chunk rows:
     * with them deleted behind the store's back, {@code find}, {@code receivedBlocks} and {@code hasBlock} still answer
     * the set.
     */
    static void receivedSet_isReadFromTheUploadRowAlone(DataSource dataSource) throws SQLException {
        JdbcMetadataStore store = new JdbcMetadataStore(dataSource);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UploadSession session = session(ChunkPlan.of(20 * MIB, MIB), now).withBlockReceived(2, now, now.plusSeconds(60));
        store.create(session);
        UploadId id = session.id();
        BitSet expected = new BitSet();
        expected.set(2);
        assertArrayEquals(expected.toByteArray(), bitmapOf(dataSource, id), "create writes the bitmap");
        for (int index : new int[] {0, 9, 19, 9}) {
            store.recordBlock(id, receipt(index, now));
            expected.set(index);
        }
        assertArrayEquals(expected.toByteArray(), bitmapOf(dataSource, id), "recordBlock keeps the bitmap");
        assertEquals(4, store.find(id).orElseThrow().receivedCount());

        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM upload_chunks WHERE upload_id = ?")) {
            delete.setString(1, id.value());
            assertEquals(4, delete.executeUpdate());
        }
        assertEquals(expected, store.receivedBlocks(id));
        assertEquals(expected, bitSetOf(store.find(id).orElseThrow().receivedChunks()));
        assertTrue(store.hasBlock(id, 19) && !store.hasBlock(id, 18), "hasBlock reads the bitmap");
        assertTrue(store.recordedBlocks(id).isEmpty(), "the digests, unlike the set, come from the chunk rows");
    }

    /**
     * Records 1 TB in chunks of 50 MiB as the upload service does, reading the upload before each chunk, from
     * 8 threads, and prints the mean time of that read and of the recording by tenth of the upload: flat, where
     * reading the chunk rows made the read grow with the chunks received. The figures are printed, not asserted.
     * The plan has one block per chunk (as before blocks), so that the figures compare with earlier runs.
     */
    static void findBeforeEachOf20972Chunks_printsItsCostByTenth(DataSource dataSource, String name) throws Exception {
        JdbcMetadataStore store = new JdbcMetadataStore(dataSource);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ChunkPlan plan = new ChunkPlan(1L << 40, 50 * MIB, 20_972);
        UploadSession session = session(plan, now);
        store.create(session);
        UploadId id = session.id();
        int chunks = plan.chunkCount();
        AtomicLongArray findNanos = new AtomicLongArray(10);
        AtomicLongArray recordNanos = new AtomicLongArray(10);
        AtomicInteger next = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                running.add(threads.submit(() -> {
                    for (int i = next.getAndIncrement(); i < chunks; i = next.getAndIncrement()) {
                        long started = System.nanoTime();
                        UploadSession found = store.find(id).orElseThrow();
                        long read = System.nanoTime();
                        store.recordBlock(id, receipt(i, now));
                        long recorded = System.nanoTime();
                        int tenth = (int) (10L * i / chunks);
                        findNanos.addAndGet(tenth, read - started);
                        recordNanos.addAndGet(tenth, recorded - read);
                        assertTrue(!found.hasReceived(i), "chunk " + i + " is recorded by this thread alone, after");
                    }
                    return null;
                }));
            }
            for (Future<?> thread : running) {
                thread.get(30, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }
        StringBuilder line = new StringBuilder(name + ": find + recordBlock of each of 20,972 chunks of one block by 8 threads,"
                + " mean microseconds by tenth of the upload (find/record):");
        for (int tenth = 0; tenth < 10; tenth++) {
            long inTenth = (long) chunks * (tenth + 1) / 10 - (long) chunks * tenth / 10;
            line.append(String.format(" %d/%d", findNanos.get(tenth) / inTenth / 1000, recordNanos.get(tenth) / inTenth / 1000));
        }
        System.out.println(line);
        UploadSession found = store.find(id).orElseThrow();
        assertTrue(found.allChunksReceived());
        assertEquals(chunks, store.receivedBlocks(id).cardinality());
    }

    private static UploadSession session(ChunkPlan plan, Instant now) {
        return UploadSession.start(UploadId.random(), new FileName("bitmap.bin"), "application/octet-stream", plan,
                "00".repeat(32), Optional.empty(), now, now.plus(Duration.ofHours(72)));
    }

    private static BlockReceipt receipt(int index, Instant now) {
        return new BlockReceipt(index, now, now.plus(Duration.ofHours(72)),
                Sha256.of(Sha256.newDigest().digest(("chunk " + index).getBytes(StandardCharsets.UTF_8))),
                dev.largeupload.domain.model.StagingAttempt.random());
    }

    /** The {@code received} column of upload {@code id}, as stored. */
    static byte[] bitmapOf(DataSource dataSource, UploadId id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT received FROM uploads WHERE id = ?")) {
            select.setString(1, id.value());
            try (ResultSet row = select.executeQuery()) {
                assertTrue(row.next(), "no upload " + id);
                return row.getBytes(1);
            }
        }
    }

    private static BitSet bitSetOf(List<Integer> indexes) {
        BitSet set = new BitSet();
        indexes.forEach(set::set);
        return set;
    }
}
