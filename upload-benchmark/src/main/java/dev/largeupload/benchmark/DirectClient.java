package dev.largeupload.benchmark;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

/**
 * A client of direct mode, as any client outside the repository would be: it asks the server for a chunk's
 * staging target ({@code POST /api/upload/{id}/chunks/{index}/target}) and PUTs each block of the chunk
 * straight to its SAS URL with the target's headers and the block's {@code Content-MD5}, one block after the
 * other; a 403 (an expired SAS) gets a new target once. The server sees no byte of the file. One instance holds
 * one {@link HttpClient}; give each sending thread its own.
 */
final class DirectClient {

    private final HttpClient http = UploadApi.newHttpClient();
    private final URI base;
    private final Payload payload;

    DirectClient(URI base, Payload payload) {
        this.base = base;
        this.payload = payload;
    }

    static DirectClient[] clients(URI base, Payload payload, int count) {
        DirectClient[] clients = new DirectClient[count];
        for (int i = 0; i < count; i++) {
            clients[i] = new DirectClient(base, payload);
        }
        return clients;
    }

    /**
     * Stages every block of chunk {@code index} in Azure.
     *
     * @throws IllegalStateException unless the server gives a target and Azure takes every block (201)
     */
    void sendChunk(UploadApi.Upload upload, int index) {
        for (int attempt = 1; ; attempt++) {
            JsonObject target = target(upload, index);
            try {
                for (JsonValue value : target.getJsonArray("blocks")) {
                    putBlock(target, value.asJsonObject());
                }
                return;
            } catch (SasRefused e) {
                if (attempt >= 2) {
                    throw new IllegalStateException("chunk " + index + ": Azure refused a renewed SAS: " + e.getMessage());
                }
            }
        }
    }

    private JsonObject target(UploadApi.Upload upload, int index) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(base.resolve("/api/upload/" + upload.id() + "/chunks/" + index + "/target"))
                .timeout(Duration.ofMinutes(1)).header("Upload-Token", upload.token()).header("Accept", "application/json")
                .POST(BodyPublishers.noBody()), BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("target of chunk " + index + " answered " + answer.statusCode() + ": " + answer.body());
        }
        try (JsonReader reader = Json.createReader(new StringReader(answer.body()))) {
            return reader.readObject();
        }
    }

    private void putBlock(JsonObject target, JsonObject block) {
        long length = block.getJsonNumber("length").longValue();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(block.getString("url")))
                .timeout(Duration.ofMinutes(10))
                .header("Content-MD5", payload.digests(length).contentMd5())
                .method(target.getString("method", "PUT"), payload.publisher(length));
        target.getJsonObject("headers").forEach((name, value) -> request.header(name, ((jakarta.json.JsonString) value).getString()));
        HttpResponse<String> answer = send(request, BodyHandlers.ofString());
        if (answer.statusCode() == 403) {
            throw new SasRefused(answer.body());
        }
        if (answer.statusCode() != 201) {
            throw new IllegalStateException("Azure answered " + answer.statusCode() + " to block " + block.getInt("block_index")
                    + ": " + answer.body());
        }
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request.build(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Azure refused the SAS (403): expired, or not valid for this request. */
    private static final class SasRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SasRefused(String body) {
            super(body.length() > 300 ? body.substring(0, 300) : body);
        }
    }
}
