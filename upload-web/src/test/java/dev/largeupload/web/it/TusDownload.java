package dev.largeupload.web.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/** A completed tus upload read back by {@code GET} on its upload URL, streamed into a SHA-256 (never held in memory). */
final class TusDownload {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private TusDownload() {
    }

    /** The hex SHA-256 and length of what {@code GET uploadUrl} answers; fails unless it answers 200. */
    static Digest sha256(URI uploadUrl) {
        try {
            HttpResponse<InputStream> answer = HTTP.send(HttpRequest.newBuilder(uploadUrl).timeout(Duration.ofMinutes(10))
                    .header("Tus-Resumable", "1.0.0").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = answer.body();
                 DigestInputStream in = new DigestInputStream(body, MessageDigest.getInstance("SHA-256"))) {
                if (answer.statusCode() != 200) {
                    throw new AssertionError("GET " + uploadUrl + " answered " + answer.statusCode() + ": "
                            + new String(in.readNBytes(2000)));
                }
                long length = in.transferTo(OutputStream.nullOutputStream());
                return new Digest(HexFormat.of().formatHex(in.getMessageDigest().digest()), length);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A download's digest and length. */
    record Digest(String sha256, long length) {
    }
}
