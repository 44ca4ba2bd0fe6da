package dev.largeupload.metadata.jdbc;

import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.port.MetadataStoreContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.postgresql.ds.PGConnectionPoolDataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.ds.common.BaseDataSource;

/**
 * The {@link MetadataStore} contract on a real PostgreSQL server, in a database of its own that is
 * created for this class and dropped after it. The server is {@code PGHOST}:{@code PGPORT}
 * (default 127.0.0.1:5432) as {@code PGUSER} (default postgres, trust authentication), reached
 * through its database {@code test}. Without a server the class is skipped, except with
 * {@code CI=true}, where a missing server fails the build.
 */
class PostgresJdbcMetadataStoreTest extends MetadataStoreContract {

    private static final String DATABASE = "largeupload_" + UUID.randomUUID().toString().replace("-", "");

    @BeforeAll
    static void createDatabase() {
        try (Connection connection = dataSource("test").getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            String why = "PostgreSQL at " + env("PGHOST", "127.0.0.1") + ":" + env("PGPORT", "5432")
                    + " is not reachable: " + e.getMessage();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(why, e);
            }
            Assumptions.abort(why);
        }
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        try (Connection connection = dataSource("test").getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        }
    }

    private final List<JdbcConnectionPool> pools = new ArrayList<>();

    @Override
    protected MetadataStore newStore() {
        return new JdbcMetadataStore(pool());
    }

    @Override
    protected MetadataStore secondStoreOnSameBackend() {
        return new JdbcMetadataStore(pool());
    }

    @AfterEach
    void closePools() {
        pools.forEach(JdbcConnectionPool::dispose);
    }

    /** A pool of its own for each store, as each server gets one from Liberty (H2's pool serves any driver). */
    private JdbcConnectionPool pool() {
        PGConnectionPoolDataSource dataSource = new PGConnectionPoolDataSource();
        configure(dataSource, DATABASE);
        JdbcConnectionPool pool = JdbcConnectionPool.create(dataSource);
        pool.setMaxConnections(32);
        pools.add(pool);
        return pool;
    }

    private static PGSimpleDataSource dataSource(String database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        configure(dataSource, database);
        return dataSource;
    }

    private static void configure(BaseDataSource dataSource, String database) {
        dataSource.setServerNames(new String[] {env("PGHOST", "127.0.0.1")});
        dataSource.setPortNumbers(new int[] {Integer.parseInt(env("PGPORT", "5432"))});
        dataSource.setUser(env("PGUSER", "postgres"));
        dataSource.setDatabaseName(database);
        dataSource.setConnectTimeout(5);
    }

    private static String env(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }
}
