package dev.largeupload.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

/**
 * The tus 1.0 core protocol as a plain client speaks it, with the same HTTP client as
 * {@link UploadApi}: {@code POST} with {@code Upload-Length} creates, each {@code PATCH} appends
 * at {@code Upload-Offset}, {@code DELETE} (the termination extension) removes, {@code OPTIONS} tells
 * whether a server speaks tus at all, {@code GET} reads a completed upload back.
 */
final class TusClient {

    private static final String VERSION = "1.0.0";

    private final HttpClient http = UploadApi.newHttpClient();
    private final URI filesUrl;

    TusClient(URI filesUrl) {
        this.filesUrl = filesUrl;
    }

    /** Creates an upload of {@code length} bytes; its URL (from {@code Location}). */
    URI create(long length) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(filesUrl)
                .header("Upload-Length", Long.toString(length))
                .POST(BodyPublishers.noBody()));
        if (answer.statusCode() != 201) {
            throw new IllegalStateException("tus POST answered " + answer.statusCode() + ": " + answer.body());
        }
        return filesUrl.resolve(answer.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("tus POST answered 201 without a Location")));
    }

    /** Appends {@code body} at {@code offset}; fails unless the server answers 204 with the offset after it. */
    void patch(URI upload, long offset, HttpRequest.BodyPublisher body) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(upload)
                .header("Upload-Offset", Long.toString(offset))
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", body));
        long expected = offset + body.contentLength();
        String got = answer.headers().firstValue("Upload-Offset").orElse("none");
        if (answer.statusCode() != 204 || !got.equals(Long.toString(expected))) {
            throw new IllegalStateException("tus PATCH at " + offset + " answered " + answer.statusCode()
                    + " with Upload-Offset " + got + " (expected " + expected + "): " + answer.body());
        }
    }

    /**
     * Why {@code OPTIONS} on the creation URL does not show a tus server ({@code Tus-Version} with 1.0.0),
     * or empty when it does.
     */
    java.util.Optional<String> whyNotTus() {
        try {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(filesUrl).method("OPTIONS", BodyPublishers.noBody()));
            String versions = answer.headers().firstValue("Tus-Version").orElse("");
            if (answer.statusCode() / 100 == 2 && versions.contains(VERSION)) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of("OPTIONS " + filesUrl + " answered " + answer.statusCode()
                    + (versions.isEmpty() ? " without Tus-Version" : " with Tus-Version " + versions));
        } catch (UncheckedIOException e) {
            return java.util.Optional.of("OPTIONS " + filesUrl + " failed: " + e.getCause());
        }
    }

    /** {@code GET} on a completed upload's URL, hashed as it streams (the tus edge serves the file there). */
    SourceFile.Hashed download(URI upload) {
        try {
            HttpResponse<java.io.InputStream> answer = http.send(HttpRequest.newBuilder(upload).timeout(Duration.ofMinutes(10))
                    .header("Tus-Resumable", VERSION).GET().build(), BodyHandlers.ofInputStream());
            if (answer.statusCode() != 200) {
                answer.body().close();
                throw new IllegalStateException("GET " + upload + " answered " + answer.statusCode());
            }
            return SourceFile.hash(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void delete(URI upload) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(upload).DELETE());
        if (answer.statusCode() != 204) {
            throw new IllegalStateException("tus DELETE answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    /** The id in the upload URL (its last path segment), which is the file's name in the store's directory. */
    static String id(URI upload) {
        String path = upload.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.header("Tus-Resumable", VERSION).timeout(Duration.ofMinutes(10)).build(), BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
