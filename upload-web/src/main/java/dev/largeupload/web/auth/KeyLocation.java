package dev.largeupload.web.auth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The keys at {@code mp.jwt.verify.publickey.location}: a file (a path, or a {@code file:} URL) or an
 * {@code https:} URL such as an OpenID provider's {@code jwks_uri}, read again every hour, and at most once a
 * minute sooner when a token's signature matches none of the keys held (the provider rotated its keys). A fetch
 * that fails keeps the keys held; with none held, no token verifies until one succeeds.
 */
final class KeyLocation implements JwtVerifier.KeySource {

    private static final Logger LOG = Logger.getLogger(KeyLocation.class.getName());
    private static final Duration MAX_AGE = Duration.ofHours(1);
    private static final Duration MIN_INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_BYTES = 1 << 20;

    private final String location;
    private final Clock clock;
    private final HttpClient http;
    private volatile List<PublicKeys.Key> keys = List.of();
    private volatile Instant fetchedAt = Instant.EPOCH;
    private volatile Instant triedAt = Instant.EPOCH;

    KeyLocation(String location, Clock clock) {
        this.location = location.strip();
        this.clock = clock;
        this.http = isHttp() ? HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL).build() : null;
    }

    boolean isHttp() {
        String lower = location.toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://");
    }

    /**
     * Reads the keys now.
     *
     * @throws IOException if they cannot be read
     * @throws IllegalArgumentException if what was read holds no key
     */
    synchronized void load() throws IOException {
        triedAt = clock.instant();
        keys = PublicKeys.parse(read());
        fetchedAt = triedAt;
    }

    @Override
    public List<PublicKeys.Key> keys() {
        if (clock.instant().isAfter(fetchedAt.plus(MAX_AGE))) {
            refreshed();
        }
        return keys;
    }

    @Override
    public List<PublicKeys.Key> refreshed() {
        synchronized (this) {
            if (clock.instant().isBefore(triedAt.plus(MIN_INTERVAL))) {
                return keys;
            }
            try {
                load();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "Could not read the sign-in keys at mp.jwt.verify.publickey.location (" + location
                        + "): " + e.getMessage() + "; keeping the " + keys.size() + " held.");
            }
            return keys;
        }
    }

    private String read() throws IOException {
        if (!isHttp()) {
            Path path = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
            return Files.readString(path, StandardCharsets.UTF_8);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(location)).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json, application/jwk-set+json, */*").GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException("answered HTTP " + response.statusCode());
            }
            if (response.body().length > MAX_BYTES) {
                throw new IOException("answered more than " + MAX_BYTES + " bytes");
            }
            return new String(response.body(), StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
