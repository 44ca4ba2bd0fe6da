package dev.largeupload.web.wiring;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.port.BlobStore;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.service.UploadPolicy;
import dev.largeupload.domain.service.UploadService;
import dev.largeupload.filesystem.FilesystemBlobStore;
import dev.largeupload.metadata.jdbc.JdbcMetadataStore;
import dev.largeupload.web.config.ConfigurationException;
import dev.largeupload.web.config.LaunchDirectory;
import dev.largeupload.web.config.ServerSettings;
import dev.largeupload.web.config.ServerSettings.MetadataStoreKind;
import dev.largeupload.web.config.SettingsReader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.logging.Logger;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.SQLException;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The one place that knows which adapters run: it reads the configuration, builds the stores it
 * names, and hands out the {@link UploadService}. Everything is built when the application
 * starts, so bad configuration or an unreachable store stops the server at once with one line
 * naming the key, instead of failing the first upload.
 */
@ApplicationScoped
public class UploadWiring {

    private static final Logger LOG = Logger.getLogger(UploadWiring.class.getName());
    private static final Duration COMPLETION_LEASE = Duration.ofMinutes(15);

    private ServerSettings settings;
    private JdbcConnectionPool h2Pool;
    private UploadService service;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        try {
            Config config = ConfigProvider.getConfig();
            settings = new SettingsReader(key -> config.getOptionalValue(key, String.class), LaunchDirectory.find()).read();
            service = new UploadService(metadataStore(settings), blobStore(settings),
                    new UploadPolicy(settings.chunkSize(), settings.maxFileSize(), settings.uploadTtl(),
                            settings.requireUploadToken(), COMPLETION_LEASE),
                    Clock.systemUTC());
            LOG.info(() -> "Upload service ready: metadata=" + settings.metadataStore().name().toLowerCase()
                    + ", blobs=" + settings.blobStore().name().toLowerCase() + ", data=" + settings.dataDir()
                    + ", chunk size=" + settings.chunkSize() + ", upload token required=" + settings.requireUploadToken());
        } catch (UploadException.StoreUnavailable e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            stopAtStart(new ConfigurationException(settings.metadataStore() == MetadataStoreKind.POSTGRESQL ? "DATABASE_URL" : "DATA_DIR",
                    "the metadata store cannot be reached: " + firstLine(cause.getMessage())));
        } catch (ConfigurationException e) {
            stopAtStart(e);
        }
    }

    private static void stopAtStart(ConfigurationException e) {
        LOG.severe(e.getMessage());
        System.err.println(e.getMessage());
        System.err.flush();
        // A server that runs with a configuration it cannot honour would only fail later, and worse.
        // Nothing has been written yet, so the JVM stops at once rather than through a slow shutdown.
        Runtime.getRuntime().halt(78);
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    @Produces
    public UploadService uploadService() {
        return service;
    }

    @Produces
    public ServerSettings settings() {
        return settings;
    }

    private MetadataStore metadataStore(ServerSettings settings) {
        return switch (settings.metadataStore()) {
            case H2 -> new JdbcMetadataStore(embeddedH2(directory(settings, "metadata")));
            case POSTGRESQL -> new JdbcMetadataStore(liberty("jdbc/uploads-postgresql", "DATABASE_URL"));
            case REDIS, FILE -> throw new ConfigurationException("METADATA_STORE",
                    settings.metadataStore().name().toLowerCase() + " is not available in this version; use h2");
        };
    }

    private static BlobStore blobStore(ServerSettings settings) {
        return switch (settings.blobStore()) {
            case FILESYSTEM -> new FilesystemBlobStore(directory(settings, "blobs"));
            case AZURE -> throw new ConfigurationException("BLOB_STORE",
                    "azure is not available in this version; use filesystem (and unset the AZURE_STORAGE_* variables)");
        };
    }

    private static java.nio.file.Path directory(ServerSettings settings, String name) {
        java.nio.file.Path dir = settings.dataDir().resolve(name);
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

    /**
     * The embedded database lives in DATA_DIR, which only the application resolves, so it is pooled
     * by H2's own pool rather than a server-defined data source. WRITE_DELAY=0 writes each commit
     * before the call returns, so an acknowledged chunk survives a killed server.
     */
    private DataSource embeddedH2(java.nio.file.Path dir) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(
                "jdbc:h2:file:" + dir.resolve("uploads") + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000", "sa", "");
        pool.setMaxConnections(32);
        pool.setLoginTimeout(10);
        try (Connection probe = pool.getConnection()) {
            LOG.fine(() -> "H2 metadata database open at " + dir);
        } catch (SQLException e) {
            pool.dispose();
            throw new ConfigurationException("DATA_DIR", "cannot open the metadata database in " + dir
                    + " (is another server using this DATA_DIR?): " + e.getMessage().lines().findFirst().orElse(""));
        }
        h2Pool = pool;
        return pool;
    }

    /** A data source that server.xml defines and Liberty pools; the store migrates its schema at once, so a bad URL stops the start. */
    private static DataSource liberty(String jndiName, String key) {
        try {
            return InitialContext.doLookup(jndiName);
        } catch (NamingException e) {
            throw new ConfigurationException(key, "the server defines no data source " + jndiName + " (" + e.getMessage() + ")");
        }
    }

    @PreDestroy
    void stop() {
        if (h2Pool != null) {
            h2Pool.dispose();
        }
    }
}
