package dev.largeupload.web.it;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.largeupload.azure.AzuriteServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The one factory of store environments for the integration tests: it starts or creates what a
 * {@link Stores} pair needs (Azurite with a container name of its own, a PostgreSQL database of its own,
 * a Redis key prefix of its own), optionally behind a {@link TcpProxy}, and gives the server's environment
 * variables for it. Closing it closes the proxy, stops Azurite and drops the database; Redis keys stay
 * under their prefix, which no other test uses. A service that cannot be reached fails at once with a
 * line saying how to start it, never skips.
 */
final class StoreEnvironment implements AutoCloseable {

    private static final String REDIS_HOST = "127.0.0.1";
    private static final int REDIS_PORT = 6379;

    private final Map<String, String> env = new HashMap<>();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private AzuriteServer azurite;
    private String container;
    private TcpProxy proxy;

    private StoreEnvironment() {
    }

    /** Sets up {@code stores}, with {@code proxied} reached through a proxy. */
    static StoreEnvironment open(Stores stores, Server.Proxied proxied) {
        StoreEnvironment environment = new StoreEnvironment();
        try {
            environment.openMetadata(stores.metadata, proxied == Server.Proxied.METADATA);
            environment.openBlobs(stores.blobs, proxied == Server.Proxied.BLOBS);
            if (proxied != Server.Proxied.NONE && environment.proxy == null) {
                throw new IllegalArgumentException(stores + " has no networked " + proxied.name().toLowerCase() + " store to proxy");
            }
            return environment;
        } catch (RuntimeException e) {
            environment.close();
            throw e;
        }
    }

    private void openMetadata(Stores.Metadata metadata, boolean proxied) {
        switch (metadata) {
            case H2 -> { }
            case FILE -> env.put("METADATA_STORE", "file");
            case REDIS -> {
                requireReachable("Redis", REDIS_HOST, REDIS_PORT, "redis-server --daemonize yes");
                env.put("METADATA_STORE", "redis");
                env.put("REDIS_HOST", REDIS_HOST);
                env.put("REDIS_PORT", Integer.toString(proxied ? proxyTo(REDIS_HOST, REDIS_PORT) : REDIS_PORT));
                env.put("REDIS_KEY_PREFIX", "it:" + UUID.randomUUID() + ":");
            }
            case POSTGRESQL -> {
                PostgresDatabase database = PostgresDatabase.create();
                opened.add(database::drop);
                String url = database.jdbcUrl();
                if (proxied) {
                    int port = PostgresDatabase.port();
                    url = url.replace(":" + port + "/", ":" + proxyTo(PostgresDatabase.host(), port) + "/");
                }
                env.put("METADATA_STORE", "postgresql");
                env.put("DATABASE_URL", url);
                env.put("DATABASE_USER", database.user());
            }
        }
    }

    private void openBlobs(Stores.Blobs blobs, boolean proxied) {
        if (blobs == Stores.Blobs.FILESYSTEM) {
            return;
        }
        azurite = AzuriteServer.start();
        opened.add(azurite);
        container = "it-" + UUID.randomUUID().toString().substring(0, 8);
        String connection = azurite.connectionString();
        if (proxied) {
            connection = connection.replace(":" + azurite.port() + "/", ":" + proxyTo("127.0.0.1", azurite.port()) + "/");
        }
        env.put("BLOB_STORE", "azure");
        env.put("AZURE_STORAGE_CONNECTION_STRING", connection);
        env.put("AZURE_STORAGE_CONTAINER_NAME", container);
    }

    private int proxyTo(String host, int port) {
        proxy = new TcpProxy(host, port);
        opened.add(proxy);
        return proxy.port();
    }

    private static void requireReachable(String service, String host, int port, String howToStart) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
        } catch (IOException e) {
            throw new IllegalStateException(service + " at " + host + ":" + port + " is needed by this test and cannot be reached ("
                    + e.getMessage() + "); start it: " + howToStart);
        }
    }

    /** The server's environment variables for these stores. */
    Map<String, String> env() {
        return Collections.unmodifiableMap(env);
    }

    /** The proxy in front of the store named by {@link Server#proxied()}. */
    TcpProxy proxy() {
        return Optional.ofNullable(proxy).orElseThrow(() -> new IllegalStateException("no store is proxied"));
    }

    /** Azurite, when the blobs are there. */
    AzuriteServer azurite() {
        return Optional.ofNullable(azurite).orElseThrow(() -> new IllegalStateException("no Azurite in these stores"));
    }

    /** The Azurite container the server uses, asked directly (not through any proxy). */
    BlobContainerClient container() {
        return new BlobServiceClientBuilder().connectionString(azurite().connectionString()).buildClient()
                .getBlobContainerClient(container);
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing a test store failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        opened.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
