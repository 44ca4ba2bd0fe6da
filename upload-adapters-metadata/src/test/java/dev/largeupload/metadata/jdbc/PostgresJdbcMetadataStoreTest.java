package dev.largeupload.metadata.jdbc;

import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.port.MetadataStoreContract;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
    private static boolean created;

    @BeforeAll
    static void createDatabase() {
        try (Connection connection = dataSource("test").getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + DATABASE);
            created = true;
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
        if (!created) {
            return;
        }
        try (Connection connection = dataSource("test").getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        }
    }

    private final List<JdbcConnectionPool> pools = new ArrayList<>();

    @Test
    void schema_migratedByFourServersStartingAtOnce_isCreatedOnce() throws Exception {
        String fresh = DATABASE + "_m";
        try (Connection connection = dataSource("test").getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + fresh);
        }
        ExecutorService servers = Executors.newFixedThreadPool(4);
        try {
            CyclicBarrier start = new CyclicBarrier(4);
            List<Future<JdbcMetadataStore>> started = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                started.add(servers.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return new JdbcMetadataStore(dataSource(fresh));
                }));
            }
            for (Future<JdbcMetadataStore> server : started) {
                server.get(60, TimeUnit.SECONDS);
            }
            try (Connection connection = dataSource(fresh).getConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM schema_version")) {
                rows.next();
                assertEquals(SchemaMigrations.SCRIPTS.size(), rows.getInt(1));
            }
        } finally {
            servers.shutdownNow();
            try (Connection connection = dataSource("test").getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + fresh + " WITH (FORCE)");
            }
        }
    }

    @Test
    void schema_ofVersion1WithUploads_isUpgradedInPlace() throws Exception {
        String old = DATABASE + "_v1";
        try (Connection connection = dataSource("test").getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + old);
        }
        try {
            SchemaUpgradeCheck.upgradeFromVersion1(dataSource(old));
        } finally {
            try (Connection connection = dataSource("test").getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + old + " WITH (FORCE)");
            }
        }
    }

    @Test
    void schema_ofVersion2WithDigests_isUpgradedInPlace_andItsChunksKeepTheLegacyAttempt() throws Exception {
        String old = DATABASE + "_v2";
        try (Connection connection = dataSource("test").getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + old);
        }
        try {
            SchemaUpgradeCheck.upgradeFromVersion2(dataSource(old));
        } finally {
            try (Connection connection = dataSource("test").getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + old + " WITH (FORCE)");
            }
        }
    }

    @Test
    void schema_ofVersion4BeforeBlocks_isUpgradedInPlace_andItsUploadsHaveBlocksAsLargeAsTheirChunks() throws Exception {
        String old = DATABASE + "_v4";
        try (Connection connection = dataSource("test").getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + old);
        }
        try {
            SchemaUpgradeCheck.upgradeFromVersion4(dataSource(old));
        } finally {
            try (Connection connection = dataSource("test").getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + old + " WITH (FORCE)");
            }
        }
    }

    @Override
    protected void createAsBeforeBlocks(UploadSession session) throws Exception {
        store.create(session);
        SchemaUpgradeCheck.forgetBlockSize(pools.get(0), session.id());
    }

    @Test
    void receivedSet_isReadFromTheUploadRowAlone() throws Exception {
        ReceivedBitmapCheck.receivedSet_isReadFromTheUploadRowAlone(pool());
    }

    @Test
    void findBeforeEachOf20972Chunks_costsTheSameThroughout() throws Exception {
        ReceivedBitmapCheck.findBeforeEachOf20972Chunks_printsItsCostByTenth(pool(), getClass().getSimpleName());
    }

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
