package dev.largeupload.web.it;

import dev.largeupload.web.it.UploadClient.Answer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Plain tus 1.0.0 requests, as an outside client sends them (no project classes): each answer as text. */
final class TusCalls {

    static final String OCTETS = "application/offset+octet-stream";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    TusCalls(URI base) {
        this.base = base;
    }

    URI creation() {
        return base.resolve("/api/tus/");
    }

    /** {@code method} on {@code uri} with {@code headers} (name, value, name, value …) and a body. */
    Answer send(String method, URI uri, BodyPublisher body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).method(method, body);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            var response = http.send(request.build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates an upload of {@code length} bytes; the answer's Location is its URL. */
    Answer create(long length, String metadata, String... more) {
        List<String> headers = new ArrayList<>(List.of("Tus-Resumable", "1.0.0", "Upload-Length", Long.toString(length)));
        if (metadata != null) {
            headers.addAll(List.of("Upload-Metadata", metadata));
        }
        headers.addAll(List.of(more));
        return send("POST", creation(), BodyPublishers.noBody(), headers.toArray(String[]::new));
    }

    /** The upload URL a creation answered, resolved against the server. */
    URI url(Answer created) {
        return creation().resolve(created.header("Location"));
    }

    Answer head(URI upload, String... more) {
        List<String> headers = new ArrayList<>(List.of("Tus-Resumable", "1.0.0"));
        headers.addAll(List.of(more));
        return send("HEAD", upload, BodyPublishers.noBody(), headers.toArray(String[]::new));
    }

    /** The offset HEAD reports. */
    long offset(URI upload) {
        Answer head = head(upload);
        if (head.status() != 200) {
            throw new AssertionError("HEAD " + upload + " answered " + head.status());
        }
        return Long.parseLong(head.header("Upload-Offset"));
    }

    /** PATCHes bytes {@code from} to {@code to} (exclusive) of {@code file} at offset {@code from}. */
    Answer patch(URI upload, Path file, long from, long to, String... more) {
        List<String> headers = new ArrayList<>(List.of("Tus-Resumable", "1.0.0", "Upload-Offset", Long.toString(from),
                "Content-Type", OCTETS));
        headers.addAll(List.of(more));
        BodyPublisher body = BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(UploadClient.slice(file, from, to - from)),
                to - from);
        return send("PATCH", upload, body, headers.toArray(String[]::new));
    }

    /** GETs {@code uri} and digests the body (never held in memory). */
    UploadClient.Download download(URI uri, String range) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).GET();
        if (range != null) {
            request.header("Range", range);
        }
        try {
            var response = http.send(request.build(), BodyHandlers.ofInputStream());
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            long bytes;
            try (var in = new java.security.DigestInputStream(response.body(), sha)) {
                bytes = in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return new UploadClient.Download(response.statusCode(), response.headers().map(), bytes,
                    java.util.HexFormat.of().formatHex(sha.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Answer patchBytes(URI upload, long offset, byte[] bytes, String... more) {
        List<String> headers = new ArrayList<>(List.of("Tus-Resumable", "1.0.0", "Upload-Offset", Long.toString(offset),
                "Content-Type", OCTETS));
        headers.addAll(List.of(more));
        return send("PATCH", upload, BodyPublishers.ofByteArray(bytes), headers.toArray(String[]::new));
    }
}
