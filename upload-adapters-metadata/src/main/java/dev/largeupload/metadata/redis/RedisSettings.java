package dev.largeupload.metadata.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.JedisPool;

/**
 * How to reach Redis ({@code REDIS_HOST}, {@code REDIS_PORT}, {@code REDIS_DB}, {@code REDIS_PASSWORD},
 * {@code REDIS_SSL}) and how to use it: the key prefix, the size of the connection pool and the
 * timeouts that bound how long a call waits for an unreachable server before it fails with
 * {@code store.unavailable}. {@link #toString()} never shows the password.
 *
 * @param connectTimeout how long to wait for a TCP (and TLS) connection
 * @param socketTimeout how long to wait for a reply
 * @param borrowTimeout how long to wait for a free pooled connection when all are in use
 */
public record RedisSettings(String host, int port, int database, Optional<String> password, boolean ssl,
                            String keyPrefix, int poolSize, Duration connectTimeout, Duration socketTimeout,
                            Duration borrowTimeout) {

    public static final String DEFAULT_HOST = "localhost";
    public static final int DEFAULT_PORT = 6379;
    public static final int DEFAULT_POOL_SIZE = 32;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_BORROW_TIMEOUT = Duration.ofSeconds(5);

    public RedisSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (host.isBlank()) {
            throw new IllegalArgumentException("REDIS_HOST is empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("REDIS_PORT " + port + " is not a port number (1 to 65535)");
        }
        if (database < 0) {
            throw new IllegalArgumentException("REDIS_DB " + database + " is negative");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("Redis pool size " + poolSize + " is less than 1");
        }
        requirePositive("connect timeout", connectTimeout);
        requirePositive("socket timeout", socketTimeout);
        requirePositive("borrow timeout", borrowTimeout);
        password = password.filter(p -> !p.isEmpty());
    }

    /** The Python service's settings with this service's defaults for the rest. */
    public static RedisSettings of(String host, int port, int database, Optional<String> password, boolean ssl) {
        return new RedisSettings(host, port, database, password, ssl, RedisMetadataStore.DEFAULT_PREFIX,
                DEFAULT_POOL_SIZE, DEFAULT_CONNECT_TIMEOUT, DEFAULT_SOCKET_TIMEOUT, DEFAULT_BORROW_TIMEOUT);
    }

    /** {@code localhost:6379}, database 0, no password, no TLS. */
    public static RedisSettings defaults() {
        return of(DEFAULT_HOST, DEFAULT_PORT, 0, Optional.empty(), false);
    }

    public RedisSettings withKeyPrefix(String prefix) {
        return new RedisSettings(host, port, database, password, ssl, prefix, poolSize, connectTimeout, socketTimeout,
                borrowTimeout);
    }

    public RedisSettings withTimeouts(Duration connect, Duration socket, Duration borrow) {
        return new RedisSettings(host, port, database, password, ssl, keyPrefix, poolSize, connect, socket, borrow);
    }

    public RedisSettings withPoolSize(int size) {
        return new RedisSettings(host, port, database, password, ssl, keyPrefix, size, connectTimeout, socketTimeout,
                borrowTimeout);
    }

    /**
     * A new connection pool to this server. It connects lazily, so it is built even while Redis is away;
     * the caller closes it at shutdown. Idle connections are checked in the background, so a
     * pool that outlived a Redis restart heals without failing calls one by one.
     */
    public JedisPool openPool() {
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(poolSize);
        poolConfig.setMaxIdle(poolSize);
        poolConfig.setMinIdle(0);
        poolConfig.setBlockWhenExhausted(true);
        poolConfig.setMaxWait(borrowTimeout);
        poolConfig.setTestWhileIdle(true);
        poolConfig.setTimeBetweenEvictionRuns(Duration.ofSeconds(30));
        poolConfig.setMinEvictableIdleDuration(Duration.ofMinutes(1));
        poolConfig.setJmxEnabled(false);
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(Math.toIntExact(connectTimeout.toMillis()))
                .socketTimeoutMillis(Math.toIntExact(socketTimeout.toMillis()))
                .database(database)
                .ssl(ssl)
                .clientName("largeupload");
        password.ifPresent(client::password);
        if (ssl) {
            // Verify that the certificate names this host, as an HTTPS client would.
            SSLParameters tls = new SSLParameters();
            tls.setEndpointIdentificationAlgorithm("HTTPS");
            client.sslParameters(tls);
        }
        return new JedisPool(poolConfig, new HostAndPort(host, port), client.build());
    }

    /** A store on {@code pool} (one from {@link #openPool()}), under {@link #keyPrefix()}. */
    public RedisMetadataStore openStore(JedisPool pool) {
        return new RedisMetadataStore(pool, keyPrefix);
    }

    @Override
    public String toString() {
        return "RedisSettings[" + host + ":" + port + ", db " + database + (password.isPresent() ? ", password ***" : "")
                + (ssl ? ", TLS" : "") + ", prefix " + keyPrefix + ", pool " + poolSize + ", timeouts connect "
                + connectTimeout + " socket " + socketTimeout + " borrow " + borrowTimeout + "]";
    }

    private static void requirePositive(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Redis " + what + " " + value + " is not a positive number of milliseconds");
        }
    }
}
