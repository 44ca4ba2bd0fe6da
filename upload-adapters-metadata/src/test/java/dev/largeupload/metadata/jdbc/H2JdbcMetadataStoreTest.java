package dev.largeupload.metadata.jdbc;

import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.port.MetadataStoreContract;
import java.nio.file.Path;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.io.TempDir;

/** The {@link MetadataStore} contract on an embedded H2 file database, fresh for each test. */
class H2JdbcMetadataStoreTest extends MetadataStoreContract {

    @TempDir
    Path directory;

    @Override
    protected MetadataStore newStore() {
        return new JdbcMetadataStore(dataSource());
    }

    @Override
    protected MetadataStore secondStoreOnSameBackend() {
        return new JdbcMetadataStore(dataSource());
    }

    private JdbcDataSource dataSource() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:" + directory.resolve("meta").toAbsolutePath() + ";LOCK_TIMEOUT=10000");
        dataSource.setUser("sa");
        return dataSource;
    }
}
