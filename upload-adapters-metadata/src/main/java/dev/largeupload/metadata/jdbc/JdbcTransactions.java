package dev.largeupload.metadata.jdbc;

import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.metadata.common.StoreCalls;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Runs work in one transaction on a connection of its own from a {@link DataSource}: committed if it returns,
 * rolled back if it throws, the connection always closed with auto-commit set back, and every
 * {@link SQLException} turned into {@link StoreUnavailable} without the driver's message. Thread-safe: it holds
 * nothing but the data source.
 */
final class JdbcTransactions {

    private final DataSource dataSource;

    JdbcTransactions(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @FunctionalInterface
    interface Work<T> {
        T in(Connection connection) throws SQLException;
    }

    /** Runs {@code work} in one transaction; {@code what} says what it does in the failure's message. */
    <T> T run(String what, Work<T> work) {
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

    static int update(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, values);
            return statement.executeUpdate();
        }
    }

    /** Binds {@code values} to the parameters in order; {@code null} is SQL NULL. */
    static void bind(PreparedStatement statement, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                statement.setNull(i + 1, Types.VARCHAR);
            } else {
                statement.setObject(i + 1, values[i]);
            }
        }
    }

    static StoreUnavailable unavailable(String what, SQLException e) {
        return StoreCalls.unavailable("metadata database", what, " (SQLState " + e.getSQLState() + ")", e);
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
}
