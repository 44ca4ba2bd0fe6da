package dev.largeupload.azure;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything {@link AzureBlobStoreFactory} needs to reach one container: how to authenticate, the
 * container, an optional prefix for blob names, whether to create the container at start, and how
 * patient to be. Plain values, so the web module can fill it from configuration and a test from Azurite.
 * No {@code toString} here or in {@link Connection} prints a key or token.
 */
public record AzureBlobSettings(Connection connection, String containerName, String blobPrefix,
                                boolean createContainerIfMissing, Retries retries) {

    private static final Pattern CONTAINER = Pattern.compile("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]");
    private static final Pattern PREFIX = Pattern.compile("([a-z0-9][a-z0-9-]*/)*");

    public AzureBlobSettings {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(retries, "retries");
        if (containerName == null || !CONTAINER.matcher(containerName).matches()) {
            throw new IllegalArgumentException("not a valid Azure container name: " + containerName);
        }
        if (blobPrefix == null || !PREFIX.matcher(blobPrefix).matches()) {
            throw new IllegalArgumentException("a blob prefix is empty or lowercase path segments each ending in '/': " + blobPrefix);
        }
    }

    /** Settings with no blob prefix, the container created when missing, and the default retries. */
    public static AzureBlobSettings of(Connection connection, String containerName) {
        return new AzureBlobSettings(connection, containerName, "", true, Retries.DEFAULT);
    }

    public AzureBlobSettings withRetries(Retries newRetries) {
        return new AzureBlobSettings(connection, containerName, blobPrefix, createContainerIfMissing, newRetries);
    }

    public AzureBlobSettings withBlobPrefix(String prefix) {
        return new AzureBlobSettings(connection, containerName, prefix, createContainerIfMissing, retries);
    }

    /** How the store authenticates to the storage account. */
    public sealed interface Connection {

        /** A storage connection string (also Azurite's). */
        record ConnectionString(String value) implements Connection {
            public ConnectionString {
                requireText(value, "connection string");
            }

            @Override
            public String toString() {
                return "ConnectionString[…]";
            }
        }

        /**
         * An account name and shared key; the endpoint defaults to
         * {@code https://<account>.blob.core.windows.net} (give one for sovereign clouds).
         */
        record SharedKey(String accountName, String accountKey, Optional<String> endpoint) implements Connection {
            public SharedKey {
                requireText(accountName, "account name");
                requireText(accountKey, "account key");
                Objects.requireNonNull(endpoint, "endpoint");
            }

            public String endpointOrDefault() {
                return endpoint.orElse("https://" + accountName + ".blob.core.windows.net");
            }

            @Override
            public String toString() {
                return "SharedKey[account=" + accountName + ", endpoint=" + endpointOrDefault() + "]";
            }
        }

        /** A service or container endpoint with a SAS token (with or without the leading '?'). */
        record Sas(String endpoint, String sasToken) implements Connection {
            public Sas {
                requireText(endpoint, "endpoint");
                requireText(sasToken, "SAS token");
            }

            @Override
            public String toString() {
                return "Sas[endpoint=" + endpoint + "]";
            }
        }

        /**
         * An endpoint alone: the identity of the environment through the default Azure credential
         * chain (managed identity on Azure, workload identity, {@code AZURE_CLIENT_*} variables,
         * the Azure CLI). The endpoint must be https.
         */
        record DefaultCredential(String endpoint) implements Connection {
            public DefaultCredential {
                requireText(endpoint, "endpoint");
                if (!endpoint.toLowerCase(java.util.Locale.ROOT).startsWith("https://")) {
                    throw new IllegalArgumentException("the Azure endpoint must be https:// to use a managed identity");
                }
            }
        }

        private static void requireText(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("the Azure " + what + " is empty");
            }
        }
    }

    /**
     * How requests other than chunk uploads are retried (exponential back-off), and how long a
     * connection attempt may take. Chunk uploads are never retried by the SDK: it could only do so by
     * buffering the whole chunk, so the client, which still has the bytes, sends it again.
     */
    public record Retries(int maxTries, Duration tryTimeout, Duration retryDelay, Duration maxRetryDelay,
                          Duration connectTimeout) {

        public static final Retries DEFAULT = new Retries(4, Duration.ofSeconds(60), Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofSeconds(10));

        public Retries {
            if (maxTries < 1) {
                throw new IllegalArgumentException("maxTries must be 1 or more: " + maxTries);
            }
            for (Duration d : new Duration[] {tryTimeout, retryDelay, maxRetryDelay, connectTimeout}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("retry durations must be positive");
                }
            }
            if (retryDelay.compareTo(maxRetryDelay) > 0) {
                throw new IllegalArgumentException("retryDelay must not exceed maxRetryDelay");
            }
        }
    }
}
