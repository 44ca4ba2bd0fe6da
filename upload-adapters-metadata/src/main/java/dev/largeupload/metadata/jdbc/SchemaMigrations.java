package dev.largeupload.metadata.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Brings the database schema of {@link JdbcMetadataStore} up to date: the scripts in
 * {@code db/migration}, applied in order, each once, each in its own transaction together with
 * its row in {@code schema_version}. A script may be followed, in its transaction, by a step in Java
 * for what portable SQL cannot do (filling the bitmaps of received chunks after V2).
 *
 * <p>Several servers may start at once on one database. The scripts only create what does not
 * exist yet, and when two servers still collide (PostgreSQL reports a concurrent CREATE or the
 * version row as a duplicate), the loser rolls back and starts over, finding the work done.
 */
final class SchemaMigrations {

    /** The scripts in the order they are applied; a new one is added at the end, never edited once released. */
    static final List<String> SCRIPTS = List.of(
            "V1__uploads.sql", "V2__chunk_digests.sql", "V3__upload_admission.sql", "V4__chunk_attempts.sql",
            "V5__block_size.sql", "V6__append_states.sql", "V7__concatenation_states.sql",
            "V8__length_deferred.sql", "V9__transfer_mode.sql", "V10__owner.sql", "V11__outbox.sql");

    /**
     * A collision means that another server has just done a step (created the version table or applied a
     * script), so the steps bound the collisions one server can meet; with 4 servers and 2 scripts, 3 attempts
     * were seen to run out. Retrying is cheap: the next attempt finds the work done.
     */
    private static final int ATTEMPTS = 10;
    /** Duplicate key, duplicate table or object: another server created the same thing first. */
    private static final Set<String> COLLISIONS = Set.of("23505", "42P07", "42710", "42S01", "42S11", "40001", "40P01");
    /** Run right after the script they are keyed by, in its transaction; like the scripts, safe to run again. */
    private static final Map<String, Step> AFTER = Map.of("V2__chunk_digests.sql", SchemaMigrations::fillReceived);
    /** Uploads updated per batch while filling their bitmaps. */
    private static final int BATCH = 500;

    @FunctionalInterface
    private interface Step {
        void run(Connection connection) throws SQLException;
    }

    private SchemaMigrations() {
    }

    /** Applies the scripts not applied yet, in transactions of its own; leaves auto-commit as it found it. */
    static void apply(Connection connection) throws SQLException {
        apply(connection, SCRIPTS);
    }

    /** Applies those of {@code scripts} (a prefix of {@link #SCRIPTS}: a test builds an older schema) not applied yet. */
    static void apply(Connection connection, List<String> scripts) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    applyPending(connection, scripts);
                    return;
                } catch (SQLException e) {
                    if (attempt == ATTEMPTS || !COLLISIONS.contains(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static void applyPending(Connection connection, List<String> scripts) throws SQLException {
        connection.setAutoCommit(true);
        execute(connection, "CREATE TABLE IF NOT EXISTS schema_version ("
                + "version INT NOT NULL PRIMARY KEY, script VARCHAR(255) NOT NULL, applied_at BIGINT NOT NULL)");
        connection.setAutoCommit(false);
        try {
            for (String script : scripts) {
                int version = versionOf(script);
                if (!isApplied(connection, version)) {
                    for (String statement : statementsOf(script)) {
                        execute(connection, statement);
                    }
                    Step after = AFTER.get(script);
                    if (after != null) {
                        after.run(connection);
                    }
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO schema_version (version, script, applied_at) VALUES (?, ?, ?)")) {
                        insert.setInt(1, version);
                        insert.setString(2, script);
                        insert.setLong(3, System.currentTimeMillis());
                        insert.executeUpdate();
                    }
                }
                connection.commit();
            }
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    /**
     * Sets {@code uploads.received} and {@code received_count} of every upload from its rows in
     * {@code upload_chunks}: one pass over the chunk rows in upload order, one bitmap in memory at a time.
     */
    private static void fillReceived(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT u.id, c.chunk_index FROM uploads u"
                + " LEFT JOIN upload_chunks c ON c.upload_id = u.id ORDER BY u.id");
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE uploads SET received = ?, received_count = ? WHERE id = ?")) {
            select.setFetchSize(10_000); // PostgreSQL streams the rows only with a fetch size (and no auto-commit)
            try (ResultSet rows = select.executeQuery()) {
                String upload = null;
                BitSet received = new BitSet();
                int batched = 0;
                while (rows.next()) {
                    String id = rows.getString(1);
                    if (!id.equals(upload)) {
                        if (upload != null) {
                            batched = addFill(update, upload, received, batched);
                        }
                        upload = id;
                        received = new BitSet();
                    }
                    int index = rows.getInt(2);
                    if (!rows.wasNull()) {
                        received.set(index);
                    }
                }
                if (upload != null) {
                    addFill(update, upload, received, batched);
                }
            }
            update.executeBatch();
        }
    }

    private static int addFill(PreparedStatement update, String upload, BitSet received, int batched) throws SQLException {
        update.setBytes(1, received.toByteArray());
        update.setInt(2, received.cardinality());
        update.setString(3, upload);
        update.addBatch();
        if (batched + 1 < BATCH) {
            return batched + 1;
        }
        update.executeBatch();
        return 0;
    }

    private static boolean isApplied(Connection connection, int version) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM schema_version WHERE version = ?")) {
            select.setInt(1, version);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    static int versionOf(String script) {
        return Integer.parseInt(script.substring(1, script.indexOf("__")));
    }

    /** The statements of a script: comment lines dropped, split at each {@code ;}. */
    static List<String> statementsOf(String script) {
        try (InputStream in = SchemaMigrations.class.getResourceAsStream("/db/migration/" + script)) {
            if (in == null) {
                throw new IllegalStateException("migration script db/migration/" + script + " is missing from the jar");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^\\s*--.*$", "");
            return Arrays.stream(text.split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
