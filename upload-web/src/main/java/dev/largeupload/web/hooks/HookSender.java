package dev.largeupload.web.hooks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * POSTs signed JSON to hook URLs: {@code Content-Type: application/json}, {@code Hook-Signature} over the exact bytes
 * sent ({@link HookSignature}), {@code Hook-Id} (the event's id, for de-duplication) and {@code Hook-Timestamp}
 * (the body's {@code sent_at}, or the pre-create question's {@code created_at}, as UTC epoch seconds). Redirects are not followed. Thread-safe.
 */
final class HookSender {

    /** What one request came to: the status, or -1 when there was no answer (refused, timed out, broken). */
    record Answer(int status, String body, Exception failure) {

        boolean succeeded() {
            return status >= 200 && status < 300;
        }
    }

    private final HttpClient client;
    private final HookSignature signature;

    HookSender(HookSignature signature, Duration connectTimeout) {
        this.signature = Objects.requireNonNull(signature, "signature");
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Sends {@code body} to {@code url}, waiting at most {@code timeout} for the answer (its body read as text). */
    Answer post(URI url, byte[] body, String id, Instant timestamp, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "large-file-upload-hooks")
                .header(HookSignature.HEADER, signature.of(body))
                .header("Hook-Id", id)
                .header("Hook-Timestamp", Long.toString(timestamp.getEpochSecond()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), null);
        } catch (IOException e) {
            return new Answer(-1, "", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "", e);
        }
    }
}
