package dev.largeupload.web.config;

import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.web.config.ServerSettings.BlobStoreKind;
import dev.largeupload.web.config.ServerSettings.Limits;
import dev.largeupload.web.config.ServerSettings.MetadataStoreKind;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns raw configuration values (looked up by key) into {@link ServerSettings}, refusing the first
 * bad one with a {@link ConfigurationException} that names its key. Pure: it takes a lookup
 * function, so it is tested without a container.
 */
public final class SettingsReader {

    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

    private final Function<String, Optional<String>> lookup;
    private final Path launchDirectory;

    /**
     * @param lookup          the raw value of a key, if set
     * @param launchDirectory where a relative {@code DATA_DIR} is resolved from
     */
    public SettingsReader(Function<String, Optional<String>> lookup, Path launchDirectory) {
        this.lookup = lookup;
        this.launchDirectory = launchDirectory;
    }

    public ServerSettings read() {
        int port = (int) number("PORT", "8001", 1, 65_535);
        Path dataDir = path("DATA_DIR", "./data");
        long chunkSize = number("CHUNK_SIZE", "52428800", 1, ChunkPlan.MAX_CHUNK_SIZE);
        long maxFileSize = number("MAX_FILE_SIZE", "1099511627776", 0, ChunkPlan.MAX_FILE_SIZE);
        int maxConcurrentChunks = (int) number("MAX_CONCURRENT_CHUNKS", "3", 1, 64);
        Duration ttl = duration("UPLOAD_TTL", "PT72H");
        boolean requireToken = bool("REQUIRE_UPLOAD_TOKEN", "true");
        MetadataStoreKind metadata = choice("METADATA_STORE", "h2", MetadataStoreKind.class);
        boolean azureConfigured = value("AZURE_STORAGE_CONNECTION_STRING").isPresent()
                || value("AZURE_STORAGE_ACCOUNT_NAME").isPresent() || value("AZURE_STORAGE_ENDPOINT").isPresent();
        BlobStoreKind blob = choice("BLOB_STORE", azureConfigured ? "azure" : "filesystem", BlobStoreKind.class);
        value("CORS_ALLOWED_ORIGINS").ifPresent(SettingsReader::checkOrigins);
        long maxChunkSize = number("MAX_CHUNK_SIZE", Long.toString(ChunkPlan.MAX_CHUNK_SIZE), 1, ChunkPlan.MAX_CHUNK_SIZE);
        if (chunkSize > maxChunkSize) {
            throw new ConfigurationException("CHUNK_SIZE", "must not exceed MAX_CHUNK_SIZE (" + maxChunkSize + "), got " + chunkSize);
        }
        Limits limits = new Limits(maxChunkSize, (int) number("MAX_ACTIVE_UPLOADS", "10000", 0, Integer.MAX_VALUE),
                duration("COMPLETION_LEASE", "PT15M"), duration("EXPIRED_RETENTION", "P7D"),
                duration("EXPIRY_SWEEP_INTERVAL", "PT1M"),
                number("BLOCK_SIZE", Long.toString(ChunkPlan.DEFAULT_MIN_BLOCK_SIZE), 1, ChunkPlan.MAX_CHUNK_SIZE),
                duration("DIRECT_SAS_TTL", "PT10M"));
        return new ServerSettings(port, dataDir, chunkSize, maxFileSize, maxConcurrentChunks, ttl, requireToken,
                metadata, blob, limits);
    }

    /**
     * Liberty's {@code <cors>} reads the list itself; this only refuses, at start, one it would misread:
     * each entry is {@code *} or an origin such as {@code https://app.example.com:8443} (no path, no slash).
     */
    private static void checkOrigins(String list) {
        for (String origin : list.split(",")) {
            String o = origin.strip();
            if (!o.equals("*") && !ORIGIN.matcher(o).matches()) {
                throw new ConfigurationException("CORS_ALLOWED_ORIGINS",
                        "must be a comma-separated list of origins such as https://app.example.com, got '" + o + "'");
            }
        }
    }

    /** The value of {@code key}, stripped, if set and not blank. */
    public Optional<String> value(String key) {
        return lookup.apply(key).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** A whole number within bounds, {@code fallback} when unset. */
    public long number(String key, String fallback, long min, long max) {
        String raw = value(key).orElse(fallback);
        try {
            long n = Long.parseLong(raw);
            if (n < min || n > max) {
                throw new ConfigurationException(key, "must be between " + min + " and " + max + ", got " + raw);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigurationException(key, "must be a whole number, got '" + raw + "'");
        }
    }

    private Path path(String key, String fallback) {
        String raw = value(key).orElse(fallback);
        try {
            return launchDirectory.resolve(raw).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new ConfigurationException(key, "is not a path: '" + raw + "'");
        }
    }

    /** A positive ISO-8601 duration or number of seconds, {@code fallback} when unset. */
    public Duration duration(String key, String fallback) {
        String raw = value(key).orElse(fallback);
        try {
            Duration d = raw.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(raw)) : Duration.parse(raw);
            if (d.isNegative() || d.isZero()) {
                throw new ConfigurationException(key, "must be positive, got " + raw);
            }
            return d;
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new ConfigurationException(key, "must be an ISO-8601 duration such as PT72H or a number of seconds, got '" + raw + "'");
        }
    }

    /** {@code true} or {@code false}, {@code fallback} when unset. */
    public boolean bool(String key, String fallback) {
        String raw = value(key).orElse(fallback).toLowerCase(Locale.ROOT);
        return switch (raw) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigurationException(key, "must be true or false, got '" + raw + "'");
        };
    }

    private <E extends Enum<E>> E choice(String key, String fallback, Class<E> type) {
        String raw = value(key).orElse(fallback);
        try {
            return Enum.valueOf(type, raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            String allowed = Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
            throw new ConfigurationException(key, "must be one of " + allowed + ", got '" + raw + "'");
        }
    }
}
