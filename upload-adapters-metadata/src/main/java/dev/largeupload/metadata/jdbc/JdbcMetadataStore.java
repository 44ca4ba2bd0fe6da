package dev.largeupload.metadata.jdbc;

import static dev.largeupload.metadata.jdbc.JdbcTransactions.bind;
import static dev.largeupload.metadata.jdbc.JdbcTransactions.update;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.port.Admission;
import dev.largeupload.domain.port.AppendState;
import dev.largeupload.domain.port.ListPosition;
import dev.largeupload.domain.port.OwnerQuota;
import dev.largeupload.domain.port.OwnerUsage;
import dev.largeupload.domain.port.BlockReceipt;
import dev.largeupload.domain.port.EventOutbox;
import dev.largeupload.domain.port.RecordedBlock;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.metadata.common.SessionCodec;
import dev.largeupload.metadata.common.SessionField;
import dev.largeupload.metadata.common.StoreCalls;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 *   <li><b>Multi-instance safe</b>: recording a block first updates the upload's row with
 *       {@code WHERE state = 'ACTIVE'}. That row lock serialises all recorders of one upload with
 *       every state change, on any number of servers: a block is recorded before a completion
 *       takes the row, or refused after it, never in between. Under that lock it inserts the block's row in
 *       {@code upload_chunks} (whose {@code chunk_index} is the block's index: the name is from before blocks,
 *       when a block was a chunk) with its SHA-256 and staging attempt (or replaces both, in one statement, for a
 *       block staged again) and keeps the set of received blocks on the upload's row, as a bitmap
 *       ({@code uploads.received}, at most 6.25 KB for 50,000 blocks) with its size ({@code received_count}).</li>
 *   <li><b>Flat cost</b>: {@link #find}, {@link #receivedBlocks}, {@link #hasBlock} and {@link #recordBlock} read
 *       the upload's row and at most one block row, so they cost the same for the first block and the 50,000th;
 *       only {@link #recordedBlocks} (once, at completion) reads every block row.</li>
 *   <li><b>Bounded</b>: a block index outside the plan on the upload's row (its {@code block_size}, or its chunk size
 *       for a row written before blocks existed) is refused with an {@link IllegalArgumentException} instead of
 *       growing the bitmap.</li>
 *   <li><b>Thread-safe</b>: it holds no state but the {@link DataSource}; connections come from the
 *       data source for each call (pooled by the application server, never here) and are always
 *       closed, with auto-commit set back.</li>
 *   <li><b>Exact cap</b>: {@link #createWithinLimit} first updates the one row of {@code upload_admission}, whose
 *       lock it holds until it commits, then counts the active uploads and inserts the new one: creations within a
 *       limit count one after the other on any number of servers (each count sees the inserts committed before it).
 *       Other changes take no part in that lock. {@link #createWithinQuota} takes the same lock, then counts the
 *       owner's active uploads and their bytes (through the index on {@code (owner, created_at, id)}) and inserts.</li>
 *   <li><b>Indexed lists</b>: {@link #listNewestFirst} reads the index on {@code (owner, created_at, id)} for an
 *       owner, the one on {@code (created_at, id)} for every upload (V10).</li>
 *   <li><b>Transactional outbox</b>: the event-writing methods insert the event's row in {@code outbox}
 *       ({@link JdbcEventOutbox}) in the transaction of the change.</li>
 *   <li>The session's columns are those of {@link SessionField}, mapped by {@link SessionCodec}.</li>
 *   <li>Instants are stored as UTC epoch milliseconds, so sub-millisecond precision is dropped.</li>
 * </ul>
 * Every {@link SQLException} becomes {@link StoreUnavailable}, without the driver's message.
 */
public final class JdbcMetadataStore implements MetadataStore {

    /** The session's columns, then the received set's: the order of {@link #insertSession}'s parameters. */
    private static final String COLUMNS = String.join(", ", Arrays.stream(SessionField.values()).map(SessionField::key)
            .toList()) + ", received_count, received";
    /** What {@link #recordBlock} reads of the upload's row: its plan and its received blocks. */
    private static final String PLAN_AND_RECEIVED = String.join(", ", SessionField.PLAN.stream().map(SessionField::key)
            .toList()) + ", received";

    private final JdbcTransactions transactions;
    private final JdbcEventOutbox outbox;

    /**
     * A store on {@code dataSource}, whose schema is brought up to date first.
     *
     * @throws StoreUnavailable if the database cannot be reached or migrated
     */
    public JdbcMetadataStore(DataSource dataSource) {
        this.transactions = new JdbcTransactions(dataSource);
        this.outbox = new JdbcEventOutbox(transactions);
        try (Connection connection = dataSource.getConnection()) {
            SchemaMigrations.apply(connection);
        } catch (SQLException e) {
            throw JdbcTransactions.unavailable("prepare its schema", e);
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
        create(session, Optional.empty());
    }

    @Override
    public void create(UploadSession session, UploadEvent event) {
        create(session, Optional.of(event));
    }

    private void create(UploadSession session, Optional<UploadEvent> event) {
        inTransaction("save upload " + session.id(), connection -> {
            insertSession(connection, session);
            insertEvent(connection, event);
            return null;
        });
    }

    @Override
    public boolean createWithinLimit(UploadSession session, int limit, Instant now) {
        return createWithinLimit(session, limit, now, Optional.empty());
    }

    @Override
    public boolean createWithinLimit(UploadSession session, int limit, Instant now, UploadEvent event) {
        return createWithinLimit(session, limit, now, Optional.of(event));
    }

    private boolean createWithinLimit(UploadSession session, int limit, Instant now, Optional<UploadEvent> event) {
        StoreCalls.requireRoom(limit);
        return inTransaction("save upload " + session.id(), connection -> {
            // The admission row's lock, held until commit, makes the count and the insert one step among creators.
            if (update(connection, "UPDATE upload_admission SET admitted_at = ? WHERE id = 1", millis(now)) != 1) {
                throw new SQLException("the admission row of upload_admission is missing", "55000");
            }
            if (countActive(connection, now) >= limit) {
                return false;
            }
            insertSession(connection, session);
            insertEvent(connection, event);
            return true;
        });
    }

    @Override
    public Admission createWithinQuota(UploadSession session, OwnerQuota quota, int maxActive, Instant now) {
        return createWithinQuota(session, quota, maxActive, now, Optional.empty());
    }

    @Override
    public Admission createWithinQuota(UploadSession session, OwnerQuota quota, int maxActive, Instant now, UploadEvent event) {
        return createWithinQuota(session, quota, maxActive, now, Optional.of(event));
    }

    private Admission createWithinQuota(UploadSession session, OwnerQuota quota, int maxActive, Instant now,
                                        Optional<UploadEvent> event) {
        String owner = StoreCalls.requireOwner(session, maxActive);
        return inTransaction("save upload " + session.id(), connection -> {
            if (update(connection, "UPDATE upload_admission SET admitted_at = ? WHERE id = 1", millis(now)) != 1) {
                throw new SQLException("the admission row of upload_admission is missing", "55000");
            }
            Admission admission = Admission.decide(usageOf(connection, owner, now), session.plan().fileSize(), quota,
                    maxActive > 0 ? countActive(connection, now) : 0, maxActive);
            if (admission.created()) {
                insertSession(connection, session);
                insertEvent(connection, event);
            }
            return admission;
        });
    }

    @Override
    public OwnerUsage usageOf(String owner, Instant now) {
        return inTransaction("count the uploads of an owner", connection -> usageOf(connection, owner, now));
    }

    private static OwnerUsage usageOf(Connection connection, String owner, Instant now) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*), COALESCE(SUM(file_size), 0)"
                + " FROM uploads WHERE owner = ? AND state = 'ACTIVE' AND expires_at > ?")) {
            bind(select, owner, millis(now));
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return new OwnerUsage(row.getInt(1), row.getLong(2));
            }
        }
    }

    @Override
    public List<UploadSession> listNewestFirst(Optional<String> owner, Optional<ListPosition> after, int limit) {
        StoreCalls.requirePage(limit);
        StringBuilder sql = new StringBuilder("SELECT id, " + COLUMNS + " FROM uploads WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        owner.ifPresent(o -> {
            sql.append(" AND owner = ?");
            parameters.add(o);
        });
        after.ifPresent(position -> {
            sql.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
            parameters.add(millis(position.createdAt()));
            parameters.add(millis(position.createdAt()));
            parameters.add(position.id().value());
        });
        sql.append(owner.isPresent() ? " ORDER BY owner DESC, created_at DESC, id DESC" : " ORDER BY created_at DESC, id DESC")
                .append(" FETCH FIRST ? ROWS ONLY");
        parameters.add(limit);
        return inTransaction("list uploads", connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                bind(select, parameters.toArray());
                List<UploadSession> sessions = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        sessions.add(SessionCodec.decode(new UploadId(row.getString("id")),
                                field -> row.getString(field.key()), receivedIn(row)));
                    }
                }
                return sessions;
            }
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
                    return Optional.of(SessionCodec.decode(id, field -> row.getString(field.key()), receivedIn(row)));
                }
            }
        });
    }

    @Override
    public int recordBlock(UploadId id, BlockReceipt receipt) {
        return inTransaction("record block " + receipt.index() + " of upload " + id, connection -> {
            // Takes the row lock that serialises this with other recorders and with state changes.
            if (update(connection, "UPDATE uploads SET updated_at = ?, expires_at = ? WHERE id = ? AND state = 'ACTIVE'",
                    millis(receipt.receivedAt()), millis(receipt.expiresAt()), id.value()) == 0) {
                throw stateOf(connection, id)
                        .<UploadException>map(state -> new NotActive("Upload " + id + " is " + state.name().toLowerCase(Locale.ROOT)
                                + " and accepts no more chunks."))
                        .orElseGet(() -> new NotFound(id.value()));
            }
            // Under the row lock no other transaction can insert this block or change the bitmap until this one
            // commits, and a statement started now sees what the previous holders committed.
            BitSet received;
            try (PreparedStatement select = connection.prepareStatement("SELECT " + PLAN_AND_RECEIVED
                    + " FROM uploads WHERE id = ?")) {
                bind(select, id.value());
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    int blockCount = SessionCodec.plan(field -> row.getString(field.key())).blockCount();
                    if (receipt.index() >= blockCount) {
                        // The caller checked the index against the plan: this is a bug, and the bitmap must not grow.
                        throw new IllegalArgumentException("block " + receipt.index() + " is outside a plan of "
                                + blockCount + " blocks");
                    }
                    received = receivedIn(row);
                }
            }
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
    public BitSet receivedBlocks(UploadId id) {
        return inTransaction("read the blocks of upload " + id,
                connection -> receivedOf(connection, id).orElseThrow(() -> new NotFound(id.value())));
    }

    /** Reads the bitmap that {@link #recordBlock} keeps on the upload's row: one primary-key lookup, at most 6.25 KB. */
    @Override
    public boolean hasBlock(UploadId id, int index) {
        StoreCalls.requireBlockIndex(index);
        return inTransaction("read block " + index + " of upload " + id,
                connection -> receivedOf(connection, id).orElseThrow(() -> new NotFound(id.value())).get(index));
    }

    @Override
    public SortedMap<Integer, RecordedBlock> recordedBlocks(UploadId id) {
        return inTransaction("read the block digests of upload " + id, connection -> {
            // One query: no row at all means no upload, one row of NULLs an upload without digests.
            try (PreparedStatement select = connection.prepareStatement("SELECT c.chunk_index, c.sha256, c.staging_attempt"
                    + " FROM uploads u LEFT JOIN upload_chunks c ON c.upload_id = u.id AND c.sha256 IS NOT NULL WHERE u.id = ?")) {
                bind(select, id.value());
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        throw new NotFound(id.value());
                    }
                    SortedMap<Integer, RecordedBlock> records = new TreeMap<>();
                    do {
                        byte[] sha256 = rows.getBytes(2);
                        if (sha256 != null) {
                            long attempt = rows.getLong(3);
                            // NULL: recorded before attempts were kept, so the legacy attempt (0) staged its bytes.
                            records.put(rows.getInt(1), new RecordedBlock(Sha256.of(sha256),
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
        return compareAndSetState(id, expected, next, at, Optional.empty());
    }

    @Override
    public boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at, UploadEvent event) {
        return compareAndSetState(id, expected, next, at, Optional.of(event));
    }

    private boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at,
                                       Optional<UploadEvent> event) {
        return inTransaction("change the state of upload " + id, connection -> {
            if (update(connection, "UPDATE uploads SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
                    next.name(), millis(at), id.value(), expected.name()) != 1) {
                return false;
            }
            insertEvent(connection, event);
            return true;
        });
    }

    @Override
    public EventOutbox outbox() {
        return outbox;
    }

    private static void insertEvent(Connection connection, Optional<UploadEvent> event) throws SQLException {
        if (event.isPresent()) {
            JdbcEventOutbox.insert(connection, event.get());
        }
    }

    @Override
    public boolean declareLength(UploadId id, ChunkPlan declared) {
        return inTransaction("declare the length of upload " + id, connection -> {
            if (update(connection, "UPDATE uploads SET file_size = ?, chunk_count = ?, length_deferred = NULL"
                            + " WHERE id = ? AND state = 'ACTIVE' AND length_deferred = '1' AND block_size = ?",
                    declared.fileSize(), declared.chunkCount(), id.value(), declared.blockSize()) == 1) {
                return true;
            }
            if (stateOf(connection, id).isEmpty()) {
                throw new NotFound(id.value());
            }
            return false;
        });
    }

    @Override
    public void delete(UploadId id) {
        inTransaction("delete upload " + id, connection -> {
            // The upload's row first: the lock order of recordBlock, so the two cannot deadlock. ON DELETE
            // CASCADE removes the block rows already; deleting them explicitly keeps that true without it.
            update(connection, "DELETE FROM uploads WHERE id = ?", id.value());
            update(connection, "DELETE FROM upload_append_states WHERE upload_id = ?", id.value());
            return update(connection, "DELETE FROM upload_chunks WHERE upload_id = ?", id.value());
        });
    }

    @Override
    public Optional<AppendState> appendState(UploadId id) {
        return inTransaction("read the append state of upload " + id, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT a.revision, a.state FROM uploads u"
                    + " LEFT JOIN upload_append_states a ON a.upload_id = u.id WHERE u.id = ?")) {
                bind(select, id.value());
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        throw new NotFound(id.value());
                    }
                    String state = row.getString(2);
                    return state == null ? Optional.<AppendState>empty() : Optional.of(AppendState.decode(row.getLong(1), state));
                }
            }
        });
    }

    @Override
    public boolean replaceAppendState(UploadId id, long expectedRevision, AppendState next) {
        if (next.revision() != expectedRevision + 1) {
            throw new IllegalArgumentException("revision " + next.revision() + " does not follow " + expectedRevision);
        }
        return inTransaction("save the append state of upload " + id, connection -> {
            // The upload's row locked first (the lock order of recordBlock): replacements of one upload queue here.
            try (PreparedStatement lock = connection.prepareStatement("SELECT id FROM uploads WHERE id = ? FOR UPDATE")) {
                bind(lock, id.value());
                try (ResultSet row = lock.executeQuery()) {
                    if (!row.next()) {
                        throw new NotFound(id.value());
                    }
                }
            }
            long held = 0;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT revision FROM upload_append_states WHERE upload_id = ?")) {
                bind(select, id.value());
                try (ResultSet row = select.executeQuery()) {
                    if (row.next()) {
                        held = row.getLong(1);
                    }
                }
            }
            if (held != expectedRevision) {
                return false;
            }
            if (expectedRevision == 0) {
                update(connection, "INSERT INTO upload_append_states (upload_id, revision, state) VALUES (?, ?, ?)",
                        id.value(), next.revision(), next.encode());
            } else {
                update(connection, "UPDATE upload_append_states SET revision = ?, state = ? WHERE upload_id = ?",
                        next.revision(), next.encode(), id.value());
            }
            return true;
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
        return inTransaction("count active uploads", connection -> countActive(connection, now));
    }

    /** Inserts the session's row and a row for each block it has received, if any. */
    private static void insertSession(Connection connection, UploadSession session) throws SQLException {
        Map<SessionField, Object> values = SessionCodec.values(session);
        List<Object> row = new ArrayList<>();
        row.add(session.id().value());
        for (SessionField field : SessionField.values()) {
            row.add(values.get(field));
        }
        BitSet received = session.received();
        row.add(received.cardinality());
        row.add(received.toByteArray());
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO uploads (id, " + COLUMNS
                + ") VALUES (" + String.join(", ", Collections.nCopies(row.size(), "?")) + ")")) {
            bind(insert, row.toArray());
            insert.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new IllegalStateException("an upload with id " + session.id() + " exists already", e);
            }
            throw e;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO upload_chunks (upload_id, chunk_index, received_at) VALUES (?, ?, ?)")) {
            for (int index = received.nextSetBit(0); index >= 0; index = received.nextSetBit(index + 1)) {
                bind(insert, session.id().value(), index, millis(session.updatedAt()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static int countActive(Connection connection, Instant now) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT COUNT(*) FROM uploads WHERE state = 'ACTIVE' AND expires_at > ?")) {
            bind(select, millis(now));
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    /** The ids that {@code sql} selects, given a time and then {@code limit} as its parameters. */
    private List<UploadId> ids(String what, String sql, long millis, int limit) {
        if (!StoreCalls.wantsAny(limit)) {
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

    /** The received blocks of upload {@code id}, from its row alone; empty if there is no such upload. */
    private static Optional<BitSet> receivedOf(Connection connection, UploadId id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT received FROM uploads WHERE id = ?")) {
            bind(select, id.value());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(receivedIn(row)) : Optional.empty();
            }
        }
    }

    /** The bitmap in the {@code received} column of {@code row} (NULL, never written by this version, is none). */
    private static BitSet receivedIn(ResultSet row) throws SQLException {
        byte[] bitmap = row.getBytes("received");
        return bitmap == null ? new BitSet() : BitSet.valueOf(bitmap);
    }

    private static void insertChunk(Connection connection, UploadId id, BlockReceipt receipt) throws SQLException {
        update(connection, "INSERT INTO upload_chunks (upload_id, chunk_index, received_at, sha256, staging_attempt)"
                        + " VALUES (?, ?, ?, ?, ?)",
                id.value(), receipt.index(), millis(receipt.receivedAt()), receipt.sha256().bytes(), receipt.attempt().value());
    }

    private static long millis(Instant instant) {
        return instant.toEpochMilli();
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    private <T> T inTransaction(String what, JdbcTransactions.Work<T> work) {
        return transactions.run(what, work);
    }
}
