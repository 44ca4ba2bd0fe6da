package dev.largeupload.metadata.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.BlockReceipt;
import dev.largeupload.domain.port.RecordedBlock;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * An upgrade from the first schema, shared by the H2 and PostgreSQL tests: a database that a server of
 * version 1 wrote (an upload with chunks 0 and 5 and one without chunks, no digests, no counter, no bitmap)
 * is migrated by a new store, which fills the bitmaps and counters from the chunk rows, then counts on from 2
 * and keeps digests only for what it records.
 */
final class SchemaUpgradeCheck {

    private SchemaUpgradeCheck() {
    }

    /** Runs the check on {@code dataSource}, an empty database. */
    static void upgradeFromVersion1(DataSource dataSource) throws SQLException {
        UploadId id = UploadId.random();
        UploadId empty = UploadId.random();
        Instant now = Instant.now();
        try (Connection connection = dataSource.getConnection()) {
            SchemaMigrations.apply(connection, List.of(SchemaMigrations.SCRIPTS.get(0)));
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO uploads (id, file_name, content_type, file_size, chunk_size,"
                        + " chunk_count, state, created_at, updated_at, expires_at, token_hash) VALUES ('" + id.value()
                        + "', 'old.bin', 'application/octet-stream', 10485760, 1048576, 10, 'ACTIVE', 1, 2, "
                        + now.plus(Duration.ofHours(1)).toEpochMilli() + ", '" + "00".repeat(32) + "')");
                statement.executeUpdate("INSERT INTO uploads (id, file_name, content_type, file_size, chunk_size,"
                        + " chunk_count, state, created_at, updated_at, expires_at, token_hash) VALUES ('" + empty.value()
                        + "', 'new.bin', 'application/octet-stream', 3, 1048576, 1, 'ACTIVE', 1, 1, "
                        + now.plus(Duration.ofHours(1)).toEpochMilli() + ", '" + "00".repeat(32) + "')");
                statement.executeUpdate("INSERT INTO upload_chunks (upload_id, chunk_index, received_at) VALUES ('"
                        + id.value() + "', 0, 1), ('" + id.value() + "', 5, 2)");
            }
            assertEquals(1, count(connection, "SELECT COUNT(*) FROM schema_version"));
        }

        JdbcMetadataStore store = new JdbcMetadataStore(dataSource);

        try (Connection connection = dataSource.getConnection()) {
            assertEquals(SchemaMigrations.SCRIPTS.size(), count(connection, "SELECT COUNT(*) FROM schema_version"));
            assertEquals(2, count(connection, "SELECT received_count FROM uploads WHERE id = '" + id.value() + "'"));
            assertEquals(0, count(connection, "SELECT received_count FROM uploads WHERE id = '" + empty.value() + "'"));
        }
        BitSet old = new BitSet();
        old.set(0);
        old.set(5);
        assertArrayEquals(new byte[] {0b0010_0001}, ReceivedBitmapCheck.bitmapOf(dataSource, id), "chunks 0 and 5");
        assertArrayEquals(new byte[0], ReceivedBitmapCheck.bitmapOf(dataSource, empty), "no chunk, and not NULL");
        assertEquals(old, store.receivedBlocks(id));
        assertEquals(new BitSet(), store.receivedBlocks(empty));
        assertTrue(store.recordedBlocks(id).isEmpty(), "chunks of version 1 have no digest");
        assertEquals(2, store.recordBlock(id, receipt(5, "five again", now)));
        assertEquals(3, store.recordBlock(id, receipt(7, "seven", now)));
        assertEquals(new TreeMap<>(Map.of(5, new RecordedBlock(digestOf("five again"), ATTEMPT),
                7, new RecordedBlock(digestOf("seven"), ATTEMPT))), store.recordedBlocks(id));
        assertEquals(3, store.find(id).orElseThrow().receivedCount());
        old.set(7);
        assertEquals(old, store.receivedBlocks(id));
        assertArrayEquals(old.toByteArray(), ReceivedBitmapCheck.bitmapOf(dataSource, id));
        assertEquals(2, store.countActive(now));
    }

    /**
     * An upgrade from the schema of version 2 (digests, no staging attempts): chunks recorded then read back with
     * the legacy attempt; one recorded again gets its attempt with its digest, the other keeps the legacy one.
     */
    static void upgradeFromVersion2(DataSource dataSource) throws SQLException {
        UploadId id = UploadId.random();
        Instant now = Instant.now();
        try (Connection connection = dataSource.getConnection()) {
            SchemaMigrations.apply(connection, SchemaMigrations.SCRIPTS.subList(0, 2));
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO uploads (id, file_name, content_type, file_size, chunk_size,"
                        + " chunk_count, state, created_at, updated_at, expires_at, token_hash, received_count, received)"
                        + " VALUES ('" + id.value() + "', 'v2.bin', 'application/octet-stream', 10485760, 1048576, 10,"
                        + " 'ACTIVE', 1, 2, " + now.plus(Duration.ofHours(1)).toEpochMilli() + ", '" + "00".repeat(32)
                        + "', 2, NULL)");
            }
            try (var insert = connection.prepareStatement(
                    "INSERT INTO upload_chunks (upload_id, chunk_index, received_at, sha256) VALUES (?, ?, 1, ?)")) {
                for (int index : new int[] {1, 3}) {
                    insert.setString(1, id.value());
                    insert.setInt(2, index);
                    insert.setBytes(3, digestOf("v2 chunk " + index).bytes());
                    insert.executeUpdate();
                }
            }
            try (var update = connection.prepareStatement("UPDATE uploads SET received = ? WHERE id = ?")) {
                update.setBytes(1, new byte[] {0b0000_1010}); // chunks 1 and 3, as BitSet#toByteArray lays them out
                update.setString(2, id.value());
                update.executeUpdate();
            }
        }

        JdbcMetadataStore store = new JdbcMetadataStore(dataSource);

        assertEquals(new TreeMap<>(Map.of(1, new RecordedBlock(digestOf("v2 chunk 1"), StagingAttempt.LEGACY),
                3, new RecordedBlock(digestOf("v2 chunk 3"), StagingAttempt.LEGACY))), store.recordedBlocks(id));
        assertEquals(2, store.recordBlock(id, receipt(3, "v3 chunk 3", now)));
        assertEquals(new TreeMap<>(Map.of(1, new RecordedBlock(digestOf("v2 chunk 1"), StagingAttempt.LEGACY),
                3, new RecordedBlock(digestOf("v3 chunk 3"), ATTEMPT))), store.recordedBlocks(id));
    }

    /**
     * An upgrade from the schema of version 4 (before blocks): its uploads have no block size, and read back with
     * blocks as large as their chunks, their received bitmap by chunk; one created after the upgrade keeps its own.
     */
    static void upgradeFromVersion4(DataSource dataSource) throws SQLException {
        UploadId id = UploadId.random();
        Instant now = Instant.now();
        try (Connection connection = dataSource.getConnection()) {
            SchemaMigrations.apply(connection, SchemaMigrations.SCRIPTS.subList(0, 4));
            try (Statement statement = connection.createStatement()) {
                // 200 MiB + 5 bytes in 64 MiB chunks, chunks 0 and 3 received: today's plan would cut 8 MiB blocks.
                statement.executeUpdate("INSERT INTO uploads (id, file_name, content_type, file_size, chunk_size,"
                        + " chunk_count, state, created_at, updated_at, expires_at, token_hash, received_count, received)"
                        + " VALUES ('" + id.value() + "', 'v4.bin', 'application/octet-stream', 209715205, 67108864, 4,"
                        + " 'ACTIVE', 1, 2, " + now.plus(Duration.ofHours(1)).toEpochMilli() + ", '" + "00".repeat(32)
                        + "', 2, NULL)");
                statement.executeUpdate("INSERT INTO upload_chunks (upload_id, chunk_index, received_at) VALUES ('"
                        + id.value() + "', 0, 1), ('" + id.value() + "', 3, 2)");
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE uploads SET received = ? WHERE id = ?")) {
                update.setBytes(1, new byte[] {0b0000_1001}); // chunks 0 and 3, as BitSet#toByteArray lays them out
                update.setString(2, id.value());
                update.executeUpdate();
            }
        }

        JdbcMetadataStore store = new JdbcMetadataStore(dataSource);

        ChunkPlan legacy = new ChunkPlan(209_715_205L, 64L << 20, 4);
        UploadSession found = store.find(id).orElseThrow();
        assertEquals(legacy, found.plan());
        assertEquals(64L << 20, found.plan().blockSize());
        assertEquals(List.of(1, 2), found.missingChunks());
        assertTrue(store.hasBlock(id, 3));
        assertEquals(3, store.recordBlock(id, receipt(1, "v5 chunk 1", now)));
        assertThrows(IllegalArgumentException.class, () -> store.recordBlock(id, receipt(4, "past the plan", now)));
        assertEquals(legacy, store.find(id).orElseThrow().plan());
        assertEquals(null, blockSizeOf(dataSource, id), "an upload of version 4 keeps no block size");

        ChunkPlan blocks = ChunkPlan.of(209_715_205L, 64L << 20);
        UploadSession created = UploadSession.start(UploadId.random(), new FileName("v5.bin"), "application/octet-stream",
                blocks, "00".repeat(32), Optional.empty(), now, now.plus(Duration.ofHours(1)));
        store.create(created);
        assertEquals(8L << 20, blockSizeOf(dataSource, created.id()));
        assertEquals(blocks, store.find(created.id()).orElseThrow().plan());
    }

    /**
     * Makes the row of upload {@code id} what version 4 left after the upgrade to version 5: no block size, its plan
     * one whose blocks are its chunks.
     */
    static void forgetBlockSize(DataSource dataSource, UploadId id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE uploads SET block_size = NULL WHERE id = ?")) {
            update.setString(1, id.value());
            assertEquals(1, update.executeUpdate());
        }
    }

    private static Long blockSizeOf(DataSource dataSource, UploadId id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT block_size FROM uploads WHERE id = ?")) {
            select.setString(1, id.value());
            try (ResultSet row = select.executeQuery()) {
                assertTrue(row.next(), "no upload " + id);
                long value = row.getLong(1);
                return row.wasNull() ? null : value;
            }
        }
    }

    private static final StagingAttempt ATTEMPT = new StagingAttempt(0x7e57_a77e_3b7L);

    private static BlockReceipt receipt(int index, String content, Instant now) {
        return new BlockReceipt(index, now, now.plus(Duration.ofHours(2)), digestOf(content), ATTEMPT);
    }

    private static Sha256 digestOf(String text) {
        return Sha256.of(Sha256.newDigest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static int count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            assertTrue(row.next(), sql);
            return row.getInt(1);
        }
    }
}
