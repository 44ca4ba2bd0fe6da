package dev.largeupload.web.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/** A plain HTTP client of the upload API, as an outside program would use it (no project classes). */
public final class UploadClient {

    /** An HTTP answer: status, headers and the body as text (JSON or problem+json). */
    public record Answer(int status, Map<String, List<String>> headers, String body) {

        public JsonObject json() {
            try (JsonReader reader = Json.createReader(new StringReader(body))) {
                return reader.readObject();
            }
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        public String contentType() {
            return header("Content-Type");
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** A started upload as init answered it. */
    public record Upload(String id, String token, long chunkSize, int totalChunks) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    public UploadClient(URI base) {
        this.base = base;
    }

    public Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofMinutes(5)).build(), BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path));
    }

    public Answer postJson(String path, String json) {
        return send(request(path).header("Content-Type", "application/json").POST(BodyPublishers.ofString(json)));
    }

    public Answer init(String filename, long size, long chunkSize) {
        return postJson("/api/upload/init", Json.createObjectBuilder().add("filename", filename)
                .add("file_size", size).add("chunk_size", chunkSize).build().toString());
    }

    public Upload start(String filename, long size, long chunkSize) {
        Answer answer = init(filename, size, chunkSize);
        if (answer.status() != 201) {
            throw new AssertionError("init failed: " + answer);
        }
        JsonObject json = answer.json();
        return new Upload(json.getString("upload_id"), json.getString("upload_token"),
                json.getJsonNumber("chunk_size").longValue(), json.getInt("total_chunks"));
    }

    /** PUTs the bytes {@code [offset, offset+length)} of {@code file} as chunk {@code index}, streamed from disk. */
    public Answer putChunk(Upload upload, int index, Path file, long offset, long length) {
        return putChunk(upload.id(), upload.token(), Integer.toString(index), slice(file, offset, length), length);
    }

    public Answer putChunk(String id, String token, String index, Supplier<InputStream> body, long length) {
        HttpRequest.Builder request = request("/api/upload/" + id + "/chunks/" + index)
                .header("Content-Type", "application/octet-stream")
                .PUT(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(body), length));
        if (token != null) {
            request.header("Upload-Token", token);
        }
        return send(request);
    }

    /**
     * PUTs bytes {@code first..last} (inclusive) of chunk {@code index}, a chunk of {@code chunkLength} bytes starting at
     * {@code chunkOffset} in {@code file}, with {@code Content-Range: bytes first-last/chunkLength}.
     */
    public Answer putRange(Upload upload, int index, Path file, long chunkOffset, long first, long last, long chunkLength) {
        long length = last - first + 1;
        return send(request("/api/upload/" + upload.id() + "/chunks/" + index)
                .header("Content-Type", "application/octet-stream")
                .header("Upload-Token", upload.token())
                .header("Content-Range", "bytes " + first + "-" + last + "/" + chunkLength)
                .PUT(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(slice(file, chunkOffset + first, length)), length)));
    }

    /** Sends chunk {@code index} through the seed's multipart endpoint, fields first, streamed from disk. */
    public Answer postMultipartChunk(Upload upload, int index, Path file, long offset, long length) {
        String boundary = "----upload" + UUID.randomUUID().toString().replace("-", "");
        String head = field(boundary, "upload_id", upload.id()) + field(boundary, "chunk_index", Integer.toString(index))
                + field(boundary, "upload_token", upload.token())
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"blob\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.UTF_8);
        byte[] tailBytes = tail.getBytes(StandardCharsets.UTF_8);
        Supplier<InputStream> body = () -> new SequenceInputStream(new SequenceInputStream(
                new ByteArrayInputStream(headBytes), slice(file, offset, length).get()), new ByteArrayInputStream(tailBytes));
        return send(request("/api/upload/chunk").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(body),
                        headBytes.length + length + tailBytes.length)));
    }

    private static String field(String boundary, String name, String value) {
        return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    public Answer complete(Upload upload) {
        return send(request("/api/upload/complete").header("Content-Type", "application/json")
                .header("Upload-Token", upload.token())
                .POST(BodyPublishers.ofString("{\"upload_id\":\"" + upload.id() + "\"}")));
    }

    public Answer status(String id) {
        return send(request("/api/upload/status/" + id).GET());
    }

    public Answer resume(String id) {
        return send(request("/api/upload/resume/" + id).GET());
    }

    public Answer delete(Upload upload) {
        return send(request("/api/upload/" + upload.id()).header("Upload-Token", upload.token()).DELETE());
    }

    /** A MicroProfile Health endpoint: {@code /health/ready}, {@code /health/live} or {@code /health}. */
    public Answer health(String which) {
        return send(request("/health" + (which.isEmpty() ? "" : "/" + which)).GET());
    }

    /** The status ({@code UP}/{@code DOWN}) of the named check in a health answer, or null when it is absent. */
    public static String checkStatus(Answer health, String name) {
        return health.json().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals(name)).map(c -> c.getString("status")).findFirst().orElse(null);
    }

    /** Downloads the file (or one range of it) and answers its status and the hex SHA-256 of the body, streamed. */
    public Download download(String id, String range) {
        HttpRequest.Builder request = request("/api/files/" + id).GET();
        if (range != null) {
            request.header("Range", range);
        }
        try {
            HttpResponse<InputStream> response = http.send(request.timeout(Duration.ofMinutes(10)).build(), BodyHandlers.ofInputStream());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long bytes;
            try (InputStream in = new DigestInputStream(response.body(), sha)) {
                bytes = in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return new Download(response.statusCode(), response.headers().map(), bytes, HexFormat.of().formatHex(sha.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A downloaded body, never held in memory: its length and digest. */
    public record Download(int status, Map<String, List<String>> headers, long length, String sha256) {
    }

    /** A stream of {@code length} bytes of {@code file} from {@code offset}. */
    public static Supplier<InputStream> slice(Path file, long offset, long length) {
        return () -> {
            try {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ).position(offset);
                return new java.io.FilterInputStream(Channels.newInputStream(channel)) {
                    private long left = length;

                    @Override
                    public int read() throws IOException {
                        if (left == 0) {
                            return -1;
                        }
                        int b = super.read();
                        if (b >= 0) {
                            left--;
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (left == 0) {
                            return -1;
                        }
                        int n = super.read(b, off, (int) Math.min(len, left));
                        if (n > 0) {
                            left -= n;
                        }
                        return n;
                    }
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
