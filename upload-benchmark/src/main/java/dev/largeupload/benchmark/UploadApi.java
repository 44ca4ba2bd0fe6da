package dev.largeupload.benchmark;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
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
import java.util.HashMap;
import java.util.Map;

/**
 * The upload API as any client sees it, over HTTP/1.1 (the server speaks nothing else). One
 * instance holds one {@link HttpClient}; give each sending thread its own so that no single
 * selector thread of the client becomes the bottleneck.
 */
final class UploadApi {

    /** An upload as init answered it. */
    record Upload(String id, String token, long chunkSize, int totalChunks) {
    }

    private final HttpClient http = newHttpClient();
    private final URI base;
    private final Payload payload;

    UploadApi(URI base, Payload payload) {
        this.base = base;
        this.payload = payload;
    }

    /** The client every case sends with, to this server and to its peers alike: HTTP/1.1, a 10 s connect timeout. */
    static HttpClient newHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    Upload init(String filename, long fileSize, long chunkSize) {
        return init(filename, fileSize, chunkSize, "proxy");
    }

    /** Starts an upload in the given transfer mode ({@code proxy} or {@code direct}); the server must answer with that mode. */
    Upload init(String filename, long fileSize, long chunkSize, String transfer) {
        var builder = Json.createObjectBuilder().add("filename", filename).add("file_size", fileSize)
                .add("chunk_size", chunkSize).add("content_type", "application/octet-stream");
        if (!transfer.equals("proxy")) {
            builder.add("transfer", transfer);
        }
        JsonObject json = expect(201, "init", send(request("/api/upload/init")
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString(builder.build().toString()))));
        if (!json.getString("transfer", "proxy").equals(transfer)) {
            throw new IllegalStateException("init asked for transfer " + transfer + " and answered " + json);
        }
        Upload upload = new Upload(json.getString("upload_id"), json.getString("upload_token"),
                json.getJsonNumber("chunk_size").longValue(), json.getInt("total_chunks"));
        if (upload.chunkSize() != chunkSize) {
            throw new IllegalStateException("the server chose chunks of " + upload.chunkSize() + " bytes, not " + chunkSize);
        }
        return upload;
    }

    /**
     * PUTs chunk {@code index} of {@code length} bytes, with its digest headers when {@code withDigests}.
     *
     * @throws IllegalStateException unless the server answers 200
     */
    /** Which digest headers a chunk is sent with. */
    enum Digests {
        NONE("no digest"), SHA256("Content-Digest (SHA-256)"), MD5_AND_SHA256("Content-MD5 + Content-Digest");

        final String label;

        Digests(String label) {
            this.label = label;
        }
    }

    void putChunk(Upload upload, int index, long length, Digests with) {
        Map<String, String> headers = new HashMap<>();
        if (with != Digests.NONE) {
            Payload.Digests digests = payload.digests(length);
            headers.put("Content-Digest", digests.contentDigest());
            if (with == Digests.MD5_AND_SHA256) {
                headers.put("Content-MD5", digests.contentMd5());
            }
        }
        HttpResponse<String> answer = put(upload, index, length, headers);
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("chunk " + index + " answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    /**
     * PUTs chunk {@code index} with {@code body} (streamed, of known length), no digest.
     *
     * @throws IllegalStateException unless the server answers 200
     */
    void putChunk(Upload upload, int index, HttpRequest.BodyPublisher body) {
        HttpResponse<String> answer = send(request("/api/upload/" + upload.id() + "/chunks/" + index)
                .header("Content-Type", "application/octet-stream")
                .header("Upload-Token", upload.token())
                .PUT(body));
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("chunk " + index + " answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    /** PUTs chunk {@code index} of {@code length} bytes with {@code headers} and returns the answer, whatever it is. */
    HttpResponse<String> put(Upload upload, int index, long length, Map<String, String> headers) {
        HttpRequest.Builder request = request("/api/upload/" + upload.id() + "/chunks/" + index)
                .header("Content-Type", "application/octet-stream")
                .header("Upload-Token", upload.token())
                .PUT(payload.publisher(length));
        headers.forEach(request::header);
        return send(request);
    }

    JsonObject status(Upload upload) {
        return expect(200, "status", send(request("/api/upload/status/" + upload.id()).GET()));
    }

    JsonObject resume(Upload upload) {
        return expect(200, "resume", send(request("/api/upload/resume/" + upload.id()).GET()));
    }

    JsonObject complete(Upload upload) {
        String body = Json.createObjectBuilder().add("upload_id", upload.id()).build().toString();
        return expect(200, "complete", send(request("/api/upload/complete").header("Upload-Token", upload.token())
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString(body))));
    }

    /** Downloads the completed file ({@code GET /api/files/{id}}) as a stream and hashes it. */
    SourceFile.Hashed downloadHashed(Upload upload) {
        try {
            HttpResponse<java.io.InputStream> answer = http.send(request("/api/files/" + upload.id()).GET().build(),
                    BodyHandlers.ofInputStream());
            if (answer.statusCode() != 200) {
                answer.body().close();
                throw new IllegalStateException("download answered " + answer.statusCode());
            }
            return SourceFile.hash(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Aborts or deletes the upload, discarding its data. */
    void delete(Upload upload) {
        HttpResponse<String> answer = send(request("/api/upload/" + upload.id()).header("Upload-Token", upload.token()).DELETE());
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException("delete answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    /** GET /api/config. */
    JsonObject config() {
        return expect(200, "config", send(request("/api/config").GET()));
    }

    /** The sum of a counter's series in {@code /metrics} (Prometheus text), 0 when absent. */
    double metric(String name) {
        HttpResponse<String> answer = send(request("/metrics").GET());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("/metrics answered " + answer.statusCode());
        }
        double sum = 0;
        for (String line : answer.body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(10));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject expect(int status, String call, HttpResponse<String> answer) {
        if (answer.statusCode() != status) {
            throw new IllegalStateException(call + " answered " + answer.statusCode() + ": " + answer.body());
        }
        try (JsonReader reader = Json.createReader(new StringReader(answer.body()))) {
            return reader.readObject();
        }
    }
}
