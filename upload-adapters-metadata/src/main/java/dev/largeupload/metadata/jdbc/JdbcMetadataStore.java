package dev.largeupload.metadata.jdbc;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.port.ChunkReceipt;
import dev.largeupload.domain.port.RecordedChunk;
import dev.largeupload.domain.port.MetadataStore;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * A {@link MetadataStore} in a relational database reached through JDBC: embedded H2 for one
 * server, PostgreSQL for several servers sharing it. The SQL is portable; the schema is created
 * and upgraded at construction by {@link SchemaMigrations}.
 *
 * <p>Guarantees, beyond those of the port:
 * <ul>
 *   <li><b>Durable after return</b>: every change is one transaction, committed before the method
 *       returns; it survives as far as the database's commit does.</li>
 *   <li><b>Multi-instance safe</b>: recording a chunk first updates the upload's row with
 *       {@code WHERE state = 'ACTIVE'}. That row lock serialises all recorders of one upload with
 *       every state change, on any number of servers: a chunk is recorded before a completion
 *       takes the row, or refused after it, never in between. Under that lock it inserts the chunk's row
 *       with its SHA-256 and staging attempt (or replaces both, in one statement, for a chunk staged again) and keeps the set of received chunks
 *       on the upload's row, as a bitmap ({@code uploads.received}, at most 6.25 KB) with its size
 *       ({@code received_count}).</li>
 *   <li><b>Flat cost</b>: {@link #find}, {@link #receivedChunks} and {@link #recordChunk} read the upload's row
 *       and at most one chunk row, so they cost the same for the first chunk and the 20,000th; only
 *       {@link #recordedChunks} (once, at completion) reads every chunk row.</li>
 *   <li><b>Thread-safe</b>: it holds no state but the {@link DataSource}; connections come from the
 *       data source for each call (pooled by the application server, never here) and are always
 *       closed, with auto-commit set back.</li>
 *   <li>Instants are stored as UTC epoch milliseconds, so sub-millisecond precision is dropped.</li>
 * </ul>
 * Every {@link SQLException} becomes {@link StoreUnavailable}, without the driver's message.
 */
public final class JdbcMetadataStore implements MetadataStore {

    private static final String COLUMNS = "file_name, content_type, file_size, chunk_size, chunk_count, state, "
            + "created_at, updated_at, expires_at, token_hash, expected_sha256, received_count, received";

    private final DataSource dataSource;

    /**
     * A store on {@code dataSource}, whose schema is brought up to date first.
     *
     * @throws StoreUnavailable if the database cannot be reached or migrated
     */
    public JdbcMetadataStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        try (Connection connection = dataSource.getConnection()) {
            SchemaMigrations.apply(connection);
        } catch (SQLException e) {
            throw unavailable("prepare its schema", e);
        }
    }

    /** One query on the uploads table: the database answers and the schema is there. */
    @Override
    public void checkAvailable() {
        inTransaction("answer a check", connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM uploads WHERE 1 = 0");
                 ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        });
    }

    @Override
    public void create(UploadSession session) {
        inTransaction("save upload " + session.id(), connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO uploads (id, " + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(insert, session.id().value(), session.fileName().value(), session.contentType(),
                        session.plan().fileSize(), session.plan().chunkSize(), session.plan().chunkCount(),
                        session.state().name(), millis(session.createdAt()), millis(session.updatedAt()),
                        millis(session.expiresAt()), session.tokenHash(), session.expectedSha256().orElse(null),
                        session.receivedCount(), bitmapOf(session.receivedChunks()));
                insert.executeUpdate();
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    throw new IllegalStateException("an upload with id " + session.id() + " exists already", e);
                }
                throw e;
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO upload_chunks (upload_id, chunk_index, received_at) VALUES (?, ?, ?)")) {
                for (int index : session.receivedChunks()) {
                    bind(insert, session.id().value(), index, millis(session.updatedAt()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
    }

    @Override
    public Optional<UploadSession> find(UploadId id) {
        return inTransaction("read upload " + id, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM uploads WHERE id = ?")) {
                bind(select, id.value());
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(UploadSession.restore(id, new FileName(row.getString("file_name")),
                            row.getString("content_type"),
                            new ChunkPlan(row.getLong("file_size"), row.getLong("chunk_size"), row.getInt("chunk_count")),
                            chunksOf(row), UploadState.valueOf(row.getString("state")),
                            instant(row, "created_at"), instant(row, "updated_at"), instant(row, "expires_at"),
                            row.getString("token_hash"), Optional.ofNullable(row.getString("expected_sha256"))));
                }
            }
        });
    }

    @Override
    public int recordChunk(UploadId id, ChunkReceipt receipt) {
        return inTransaction("record chunk " + receipt.index() + " of upload " + id, connection -> {
            // Takes the row lock that serialises this with other recorders and with state changes.
            if (update(connection, "UPDATE uploads SET updated_at = ?, expires_at = ? WHERE id = ? AND state = 'ACTIVE'",
                    millis(receipt.receivedAt()), millis(receipt.expiresAt()), id.value()) == 0) {
                throw stateOf(connection, id)
                        .<UploadException>map(state -> new NotActive("Upload " + id + " is " + state.name().toLowerCase(Locale.ROOT)
                                + " and accepts no more chunks."))
                        .orElseGet(() -> new NotFound(id.value()));
            }
            // Under the row lock no other transaction can insert this chunk or change the bitmap until this one
            // commits, and a statement started now sees what the previous holders committed.
            BitSet received = receivedOf(connection, id).orElseThrow();
            if (received.get(receipt.index())) {
                // Staged again: counted once, with its new digest and attempt in one statement (and its row again,
                // were it ever missing).
                if (update(connection, "UPDATE upload_chunks SET received_at = ?, sha256 = ?, staging_attempt = ?"
                                + " WHERE upload_id = ? AND chunk_index = ?",
                        millis(receipt.receivedAt()), receipt.sha256().bytes(), receipt.attempt().value(), id.value(),
                        receipt.index()) == 0) {
                    insertChunk(connection, id, receipt);
                }
                return received.cardinality();
            }
            insertChunk(connection, id, receipt);
            received.set(receipt.index());
            update(connection, "UPDATE uploads SET received = ?, received_count = ? WHERE id = ?",
                    received.toByteArray(), received.cardinality(), id.value());
            return received.cardinality();
        });
    }

    @Override
    public BitSet receivedChunks(UploadId id) {
        return inTransaction("read the chunks of upload " + id,
                connection -> receivedOf(connection, id).orElseThrow(() -> new NotFound(id.value())));
    }

    @Override
    public SortedMap<Integer, RecordedChunk> recordedChunks(UploadId id) {
        return inTransaction("read the chunk digests of upload " + id, connection -> {
            // One query: no row at all means no upload, one row of NULLs an upload without digests.
            try (PreparedStatement select = connection.prepareStatement("SELECT c.chunk_index, c.sha256, c.staging_attempt"
                    + " FROM uploads u LEFT JOIN upload_chunks c ON c.upload_id = u.id AND c.sha256 IS NOT NULL WHERE u.id = ?")) {
                bind(select, id.value());
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        throw new NotFound(id.value());
                    }
                    SortedMap<Integer, RecordedChunk> records = new TreeMap<>();
                    do {
                        byte[] sha256 = rows.getBytes(2);
                        if (sha256 != null) {
                            long attempt = rows.getLong(3);
                            // NULL: recorded before attempts were kept, so the legacy attempt (0) staged its bytes.
                            records.put(rows.getInt(1), new RecordedChunk(Sha256.of(sha256),
                                    rows.wasNull() ? StagingAttempt.LEGACY : new StagingAttempt(attempt)));
                        }
                    } while (rows.next());
                    return records;
                }
            }
        });
    }

    @Override
    public boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at) {
        return inTransaction("change the state of upload " + id, connection ->
                update(connection, "UPDATE uploads SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
                        next.name(), millis(at), id.value(), expected.name()) == 1);
    }

    @Override
    public void delete(UploadId id) {
        inTransaction("delete upload " + id, connection -> {
            // The upload's row first: the lock order of recordChunk, so the two cannot deadlock. ON DELETE
            // CASCADE removes the chunks already; deleting them explicitly keeps that true without it.
            update(connection, "DELETE FROM uploads WHERE id = ?", id.value());
            return update(connection, "DELETE FROM upload_chunks WHERE upload_id = ?", id.value());
        });
    }

    @Override
    public List<UploadId> listExpired(Instant now, int limit) {
        return ids("list expired uploads", "SELECT id FROM uploads WHERE state = 'ACTIVE' AND expires_at <= ?"
                + " ORDER BY expires_at FETCH FIRST ? ROWS ONLY", millis(now), limit);
    }

    @Override
    public List<UploadId> listFinished(Instant changedBefore, int limit) {
        return ids("list finished uploads", "SELECT id FROM uploads WHERE state IN ('EXPIRED', 'ABORTED')"
                + " AND updated_at <= ? ORDER BY updated_at FETCH FIRST ? ROWS ONLY", millis(changedBefore), limit);
    }

    @Override
    public int countActive(Instant now) {
        return inTransaction("count active uploads", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT COUNT(*) FROM uploads WHERE state = 'ACTIVE' AND expires_at > ?")) {
                bind(select, millis(now));
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getInt(1);
                }
            }
        });
    }

    /** The ids that {@code sql} selects, given a time and then {@code limit} as its parameters. */
    private List<UploadId> ids(String what, String sql, long millis, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        return inTransaction(what, connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                bind(select, millis, limit);
                List<UploadId> ids = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(new UploadId(rows.getString(1)));
                    }
                }
                return ids;
            }
        });
    }

    private static Optional<UploadState> stateOf(Connection connection, UploadId id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT state FROM uploads WHERE id = ?")) {
            bind(select, id.value());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(UploadState.valueOf(row.getString(1))) : Optional.empty();
            }
        }
    }

    /** The received chunks of upload {@code id}, from its row alone; empty if there is no such upload. */
    private static Optional<BitSet> receivedOf(Connection connection, UploadId id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT received FROM uploads WHERE id = ?")) {
            bind(select, id.value());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(chunksOf(row)) : Optional.empty();
            }
        }
    }

    /** The bitmap in the {@code received} column of {@code row} (NULL, never written by this version, is none). */
    private static BitSet chunksOf(ResultSet row) throws SQLException {
        byte[] bitmap = row.getBytes("received");
        return bitmap == null ? new BitSet() : BitSet.valueOf(bitmap);
    }

    /** The bitmap of {@code indexes}: bit i set for chunk i, as {@link BitSet#toByteArray()} lays it out. */
    private static byte[] bitmapOf(List<Integer> indexes) {
        BitSet chunks = new BitSet();
        indexes.forEach(chunks::set);
        return chunks.toByteArray();
    }

    private static void insertChunk(Connection connection, UploadId id, ChunkReceipt receipt) throws SQLException {
        update(connection, "INSERT INTO upload_chunks (upload_id, chunk_index, received_at, sha256, staging_attempt)"
                        + " VALUES (?, ?, ?, ?, ?)",
                id.value(), receipt.index(), millis(receipt.receivedAt()), receipt.sha256().bytes(), receipt.attempt().value());
    }

    private static int update(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, values);
            return statement.executeUpdate();
        }
    }

    private static void bind(PreparedStatement statement, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                statement.setNull(i + 1, Types.VARCHAR);
            } else {
                statement.setObject(i + 1, values[i]);
            }
        }
    }

    private static long millis(Instant instant) {
        return instant.toEpochMilli();
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        return Instant.ofEpochMilli(row.getLong(column));
    }

    @FunctionalInterface
    private interface Work<T> {
        T in(Connection connection) throws SQLException;
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    private <T> T inTransaction(String what, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.in(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            } finally {
                restoreAutoCommit(connection, autoCommit);
            }
        } catch (SQLException e) {
            throw unavailable(what, e);
        }
    }

    private static void rollback(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private static void restoreAutoCommit(Connection connection, boolean autoCommit) {
        try {
            connection.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            // The connection is broken and closing it next discards it; the outcome is already decided.
        }
    }

    private static StoreUnavailable unavailable(String what, SQLException e) {
        // A driver that was interrupted reports it as an SQLException; the thread must still see the interrupt.
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedException || cause instanceof ClosedByInterruptException
                    || (cause instanceof InterruptedIOException && !(cause instanceof SocketTimeoutException))) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new StoreUnavailable("The metadata database could not " + what + " (SQLState " + e.getSQLState()
                + "); try again shortly.", e);
    }
}
