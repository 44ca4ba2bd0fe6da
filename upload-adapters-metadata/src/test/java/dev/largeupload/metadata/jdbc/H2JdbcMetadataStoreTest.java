package dev.largeupload.metadata.jdbc;

import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.port.MetadataStoreContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link MetadataStore} contract on an embedded H2 file database, fresh for each test. Each
 * store gets its own connection pool, as each server would get its own from Liberty.
 */
class H2JdbcMetadataStoreTest extends MetadataStoreContract {

    @TempDir
    Path directory;

    private final List<JdbcConnectionPool> pools = new ArrayList<>();

    @Override
    protected MetadataStore newStore() {
        return new JdbcMetadataStore(pool());
    }

    @Override
    protected MetadataStore secondStoreOnSameBackend() {
        return new JdbcMetadataStore(pool());
    }

    @Test
    void schema_ofVersion1WithUploads_isUpgradedInPlace() throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:" + directory.resolve("v1").toAbsolutePath());
        dataSource.setUser("sa");
        SchemaUpgradeCheck.upgradeFromVersion1(dataSource);
    }

    @Test
    void schema_ofVersion2WithDigests_isUpgradedInPlace_andItsChunksKeepTheLegacyAttempt() throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:" + directory.resolve("v2").toAbsolutePath());
        dataSource.setUser("sa");
        SchemaUpgradeCheck.upgradeFromVersion2(dataSource);
    }

    @Test
    void schema_ofVersion4BeforeBlocks_isUpgradedInPlace_andItsUploadsHaveBlocksAsLargeAsTheirChunks() throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:" + directory.resolve("v4").toAbsolutePath());
        dataSource.setUser("sa");
        SchemaUpgradeCheck.upgradeFromVersion4(dataSource);
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

    @AfterEach
    void closePools() {
        pools.forEach(JdbcConnectionPool::dispose);
    }

    private JdbcConnectionPool pool() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:" + directory.resolve("meta").toAbsolutePath() + ";LOCK_TIMEOUT=10000");
        dataSource.setUser("sa");
        JdbcConnectionPool pool = JdbcConnectionPool.create(dataSource);
        pool.setMaxConnections(32);
        pools.add(pool);
        return pool;
    }
}
