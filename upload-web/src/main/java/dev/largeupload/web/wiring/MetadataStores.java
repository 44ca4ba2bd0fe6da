package dev.largeupload.web.wiring;

import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.metadata.file.FileMetadataStore;
import dev.largeupload.metadata.jdbc.JdbcMetadataStore;
import dev.largeupload.metadata.redis.RedisSettings;
import dev.largeupload.web.config.ConfigurationException;
import dev.largeupload.web.config.ServerSettings;
import dev.largeupload.web.config.SettingsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import redis.clients.jedis.JedisPool;

/** Builds the {@link MetadataStore} that {@code METADATA_STORE} names. */
final class MetadataStores {

    private MetadataStores() {
    }

    /** The configuration key to blame when the chosen store cannot be reached. */
    static String key(ServerSettings settings) {
        return switch (settings.metadataStore()) {
            case H2, FILE -> "DATA_DIR";
            case POSTGRESQL -> "DATABASE_URL";
            case REDIS -> "REDIS_HOST";
        };
    }

    static MetadataStore create(ServerSettings settings, SettingsReader config, Resources resources) {
        return switch (settings.metadataStore()) {
            case H2 -> new JdbcMetadataStore(embeddedH2(directory(settings.dataDir(), "metadata"), resources));
            case POSTGRESQL -> new JdbcMetadataStore(libertyDataSource("jdbc/uploads-postgresql", "DATABASE_URL"));
            case FILE -> new FileMetadataStore(directory(settings.dataDir(), "metadata-files"));
            case REDIS -> redis(config, resources);
        };
    }

    private static MetadataStore redis(SettingsReader config, Resources resources) {
        RedisSettings redis = RedisSettings.of(
                config.value("REDIS_HOST").orElse(RedisSettings.DEFAULT_HOST),
                (int) config.number("REDIS_PORT", Integer.toString(RedisSettings.DEFAULT_PORT), 1, 65_535),
                (int) config.number("REDIS_DB", "0", 0, 1_000_000),
                config.value("REDIS_PASSWORD"),
                config.bool("REDIS_SSL", "false"));
        Optional<String> prefix = config.value("REDIS_KEY_PREFIX");
        if (prefix.isPresent()) {
            redis = redis.withKeyPrefix(prefix.get());
        }
        JedisPool pool = resources.add(redis.openPool());
        MetadataStore store = redis.openStore(pool);
        store.find(dev.largeupload.domain.model.UploadId.random()); // reach Redis now, not at the first upload
        return store;
    }

    /**
     * The embedded database lives in DATA_DIR, which only the application resolves, so it is pooled
     * by H2's own pool rather than a server-defined data source. WRITE_DELAY=0 writes each commit
     * before the call returns, so an acknowledged chunk survives a killed server. DB_CLOSE_ON_EXIT=FALSE:
     * on SIGTERM, H2's own JVM shutdown hook would close the database at once, under the requests that
     * Liberty's quiesce is letting finish; the pool is closed when the application stops instead.
     */
    private static DataSource embeddedH2(Path dir, Resources resources) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(
                "jdbc:h2:file:" + dir.resolve("uploads") + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE", "sa", "");
        pool.setMaxConnections(32);
        pool.setLoginTimeout(10);
        resources.add(pool::dispose);
        try (Connection probe = pool.getConnection()) {
            return pool;
        } catch (SQLException e) {
            throw new ConfigurationException("DATA_DIR", "cannot open the metadata database in " + dir
                    + " (is another server using this DATA_DIR?): " + UploadWiring.firstLine(e.getMessage()));
        }
    }

    /** A data source that server.xml defines and Liberty pools. */
    private static DataSource libertyDataSource(String jndiName, String key) {
        try {
            return InitialContext.doLookup(jndiName);
        } catch (NamingException e) {
            throw new ConfigurationException(key, "the server defines no data source " + jndiName + " (" + e.getMessage() + ")");
        }
    }

    static Path directory(Path dataDir, String name) {
        Path dir = dataDir.resolve(name);
        try {
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) {
                throw new ConfigurationException("DATA_DIR", dir + " is not writable");
            }
            return dir;
        } catch (IOException e) {
            throw new ConfigurationException("DATA_DIR", "cannot create " + dir + " (" + e.getMessage() + ")");
        }
    }
}
