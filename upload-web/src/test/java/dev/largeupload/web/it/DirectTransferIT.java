package dev.largeupload.web.it;

import static dev.largeupload.web.it.ErrorContractIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobCorsRule;
import com.azure.storage.blob.models.BlobServiceProperties;
import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct transfers into Azure (Azurite) from a client of our own, plain {@code java.net.http}: the server signs one
 * write-only, blob-scoped SAS per block, the client stages every block itself with its Content-MD5, and the server
 * learns what was staged from Azure's block list before it counts or commits anything. One server for the class,
 * on Azurite with the CORS rule the README gives operators. Blocks are 1 MiB so that a few MiB make chunks of
 * several blocks; {@code -Ddirect.it.mib=512} runs the transfer case with a file of that many MiB by hand.
 */
@Server(stores = Stores.AZURE, env = {"BLOCK_SIZE=1048576", "DIRECT_SAS_TTL=PT5M"})
class DirectTransferIT {

    private static final long MIB = 1024 * 1024;
    private static final long CHUNK = 2 * MIB;
    private static final String PAGE_ORIGIN = "https://upload.example.com";

    @TempDir
    static Path work;
    static ServerProcess server;
    static UploadClient client;
    static BlobContainerClient container;
    static final HttpClient AZURE = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void connect(ServerProcess started, UploadClient connected, StoreEnvironment stores) {
        server = started;
        client = connected;
        container = stores.container();
        // The operator's rule (README, "Direct to Azure"): what a page on PAGE_ORIGIN needs to PUT blocks.
        container.getServiceClient().setProperties(new BlobServiceProperties().setCors(List.of(new BlobCorsRule()
                .setAllowedOrigins(PAGE_ORIGIN).setAllowedMethods("PUT,OPTIONS")
                .setAllowedHeaders("content-md5,content-type,x-ms-version,x-ms-blob-type,x-ms-client-request-id")
                .setExposedHeaders("x-ms-request-id,x-ms-version,content-md5,etag").setMaxAgeInSeconds(3600))));
    }

    @Test
    void config_onAzureWithAnAccountKey_offersProxyAndDirect() {
        JsonObject config = client.send(client.request("/api/config").GET()).json();
        assertEquals(List.of("proxy", "direct"), config.getJsonArray("transfer_modes").getValuesAs(JsonString::getString));
        assertEquals(300, config.getJsonNumber("direct_sas_ttl_seconds").longValue());
    }

    @Test
    void everyBlockStagedDirectly_fourChunksInFlight_completesByteExact_andTheServerReceivesAlmostNothing() throws Exception {
        long size = Long.getLong("direct.it.mib", 8) * MIB + 12_345;
        long chunk = size > 64 * MIB ? 16 * MIB : CHUNK;
        Path file = TestFiles.random(work, "direct.bin", size, 61);
        double before = receivedBytesMetric();
        Upload upload = startDirect("direct.bin", size, chunk);

        long started = System.nanoTime();
        ExecutorService inFlight = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> chunks = new ArrayList<>();
            for (int index = 0; index < upload.totalChunks(); index++) {
                int chunkIndex = index;
                chunks.add(inFlight.submit(() -> stageChunk(upload, chunkIndex, file)));
            }
            for (Future<?> f : chunks) {
                f.get();
            }
        } finally {
            inFlight.shutdown();
        }
        JsonObject resume = client.resume(upload.id()).json();
        assertEquals(List.of(), resume.getJsonArray("missing_chunks"));
        assertEquals(upload.totalChunks(), resume.getInt("completed_chunks"));
        Answer done = client.complete(upload);
        assertEquals(200, done.status(), done.body());
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("direct transfer of %d MiB: %.1f s, %.0f MB/s%n", size / MIB, seconds, size / seconds / 1e6);

        assertEquals("direct", done.json().getString("transfer"));
        assertEquals("azure", done.json().getJsonObject("verification").getString("block_md5"));
        Transfers.assertDownloadsExactly(client, upload, file);
        double received = receivedBytesMetric() - before;
        assertTrue(received < MIB, "the server received " + received + " bytes of a direct upload");
        assertNoSasInTheLogs();
        Files.delete(file);
    }

    @Test
    void aBlockWithAWrongContentMd5_isRefusedByAzure_andResumeKeepsItsChunkMissing() throws Exception {
        Path file = TestFiles.random(work, "md5.bin", 4 * MIB, 62);
        Upload upload = startDirect("md5.bin", 4 * MIB, CHUNK);
        stageChunk(upload, 0, file);
        JsonObject target = target(upload, 1).json();
        JsonObject first = target.getJsonArray("blocks").getJsonObject(0);
        byte[] bytes = read(file, first.getJsonNumber("offset").longValue(), first.getJsonNumber("length").longValue());

        HttpResponse<String> refused = putBlock(target, first.getString("url"), bytes, new byte[16]);

        assertEquals(400, refused.statusCode(), refused.body());
        // Azure answers Md5Mismatch; Azurite InvalidOperation "Provided contentMD5 doesn't match".
        assertTrue(refused.body().contains("Md5Mismatch") || refused.body().contains("contentMD5 doesn't match"),
                refused.body());
        JsonObject resume = client.resume(upload.id()).json();
        assertEquals(List.of(1), resume.getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue));
        assertProblem(client.complete(upload), 409, "upload.incomplete");
    }

    @Test
    void theSas_grantsNoOtherBlob_noRead_noList_andExpiresWithinTheConfiguredMinutes() throws Exception {
        Upload upload = startDirect("scope.bin", 2 * MIB, CHUNK);
        JsonObject target = target(upload, 0).json();
        String url = target.getString("url");
        URI uri = URI.create(url);
        String sas = sasOf(url);
        String blobUrl = url.substring(0, url.indexOf('?'));
        String containerUrl = blobUrl.substring(0, blobUrl.lastIndexOf('/'));
        byte[] bytes = new byte[(int) MIB];

        HttpResponse<String> otherBlob = putBlock(target, containerUrl + "/someone-else" + url.substring(url.indexOf('?')),
                bytes, md5(bytes));
        HttpResponse<String> read = AZURE.send(HttpRequest.newBuilder(URI.create(blobUrl + "?" + sas)).GET().build(),
                BodyHandlers.ofString());
        HttpResponse<String> list = AZURE.send(HttpRequest.newBuilder(URI.create(containerUrl
                + "?restype=container&comp=list&" + sas)).GET().build(), BodyHandlers.ofString());
        HttpResponse<String> delete = AZURE.send(HttpRequest.newBuilder(URI.create(blobUrl + "?" + sas)).DELETE().build(),
                BodyHandlers.ofString());

        assertEquals(403, otherBlob.statusCode(), otherBlob.body());
        assertEquals(403, read.statusCode(), read.body());
        assertEquals(403, list.statusCode(), list.body());
        assertEquals(403, delete.statusCode(), delete.body());
        Map<String, String> query = query(uri.getRawQuery());
        assertEquals("w", query.get("sp"));
        assertEquals("b", query.get("sr"));
        assertEquals("https,http", query.get("spr"), "http only because Azurite's endpoint is http");
        Instant expires = Instant.parse(target.getString("expires_at"));
        assertEquals(expires, Instant.parse(query.get("se")));
        assertTrue(!expires.isAfter(Instant.now().plus(Duration.ofMinutes(5))), "expires " + expires);
        assertTrue(expires.isAfter(Instant.now().plus(Duration.ofMinutes(4))), "expires " + expires);
        assertTrue(Instant.parse(query.get("st")).isBefore(Instant.now().minusSeconds(50)), "no clock-skew allowance");
        assertEquals("no-store", target(upload, 0).header("Cache-Control"));
    }

    @Test
    void complete_withABlockMissing_answers409_andCommitsNothing() throws Exception {
        Path file = TestFiles.random(work, "missing.bin", 5 * MIB, 63);
        Upload upload = startDirect("missing.bin", 5 * MIB, CHUNK);
        stageChunk(upload, 0, file);
        stageChunk(upload, 2, file);
        JsonObject target = target(upload, 1).json();
        JsonObject first = target.getJsonArray("blocks").getJsonObject(0);
        byte[] bytes = read(file, first.getJsonNumber("offset").longValue(), MIB);
        assertEquals(201, putBlock(target, first.getString("url"), bytes, md5(bytes)).statusCode());

        Answer answer = client.complete(upload);

        assertProblem(answer, 409, "upload.incomplete");
        assertEquals(List.of(1), answer.json().getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue));
        assertFalse(container.getBlobClient(upload.id()).exists(), "a blob was committed");
        JsonObject status = client.status(upload.id()).json();
        assertEquals("active", status.getString("state"));
        assertEquals(List.of(1), client.resume(upload.id()).json().getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue));
        assertEquals(3 * MIB + MIB, status.getJsonNumber("received_bytes").longValue());
    }

    @Test
    void complete_withAWronglySizedBlock_answers409_andCommitsNothing_thenTheRightBlockCompletesIt() throws Exception {
        Path file = TestFiles.random(work, "short.bin", 4 * MIB, 64);
        Upload upload = startDirect("short.bin", 4 * MIB, CHUNK);
        stageChunk(upload, 0, file);
        stageChunk(upload, 1, file);
        JsonObject target = target(upload, 1).json();
        JsonObject last = target.getJsonArray("blocks").getJsonObject(1);
        byte[] shorter = read(file, last.getJsonNumber("offset").longValue(), MIB - 1);
        // The right block id, through the SAS, a byte short: Azure takes it, the plan does not.
        assertEquals(201, putBlock(target, last.getString("url"), shorter, md5(shorter)).statusCode());

        Answer answer = client.complete(upload);

        assertProblem(answer, 409, "upload.incomplete");
        assertEquals(List.of(1), answer.json().getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue));
        assertFalse(container.getBlobClient(upload.id()).exists(), "a blob was committed");
        stageChunk(upload, 1, file);
        assertEquals(200, client.complete(upload).status());
        Transfers.assertDownloadsExactly(client, upload, file);
    }

    @Test
    void theWrongModeOrState_isRefused_withItsCode() throws Exception {
        Upload proxy = client.start("proxy.bin", MIB, CHUNK);
        assertEquals("proxy", client.status(proxy.id()).json().getString("transfer"));
        assertProblem(target(proxy, 0), 409, "upload.not-direct");

        Path file = TestFiles.random(work, "mode.bin", MIB, 65);
        Upload direct = startDirect("mode.bin", MIB, CHUNK);
        assertProblem(client.putChunk(direct, 0, file, 0, MIB), 409, "upload.not-proxy");
        assertProblem(client.send(client.request("/api/upload/" + direct.id() + "/chunks/0/target")
                .POST(BodyPublishers.noBody())), 404, "upload.not-found");
        assertProblem(client.send(client.request("/api/upload/" + direct.id() + "/chunks/0/target")
                .header("Upload-Token", proxy.token()).POST(BodyPublishers.noBody())), 404, "upload.not-found");
        assertProblem(target(direct, 1), 400, "upload.chunk-out-of-range");
        stageChunk(direct, 0, file);
        assertEquals(200, client.complete(direct).status());
        assertProblem(target(direct, 0), 409, "upload.not-active");

        assertEquals(200, client.delete(direct).status());
        assertFalse(container.getBlobClient(direct.id()).exists());
    }

    @Test
    void delete_ofADirectUpload_discardsItsStagedBlocks() throws Exception {
        Path file = TestFiles.random(work, "discard.bin", 4 * MIB, 66);
        Upload upload = startDirect("discard.bin", 4 * MIB, CHUNK);
        stageChunk(upload, 0, file);
        assertEquals(2, container.getBlobClient(upload.id()).getBlockBlobClient()
                .listBlocks(com.azure.storage.blob.models.BlockListType.UNCOMMITTED).getUncommittedBlocks().size());

        assertEquals(200, client.delete(upload).status());

        assertEquals(0, container.listBlobs().stream().filter(b -> b.getName().contains(upload.id())).count());
    }

    @Test
    void theStorageAccountsCorsRule_letsThePagesOriginPutBlocks() throws Exception {
        Upload upload = startDirect("cors.bin", MIB, CHUNK);
        String url = target(upload, 0).json().getString("url");

        HttpResponse<String> preflight = AZURE.send(HttpRequest.newBuilder(URI.create(url))
                .method("OPTIONS", BodyPublishers.noBody()).header("Origin", PAGE_ORIGIN)
                .header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "content-md5,content-type,x-ms-version").build(),
                BodyHandlers.ofString());

        assertEquals(200, preflight.statusCode(), preflight.body());
        assertEquals(PAGE_ORIGIN, preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }

    // --- a direct client of our own ------------------------------------------------------------------

    private static Upload startDirect(String name, long size, long chunkSize) {
        Answer answer = client.postJson("/api/upload/init", Json.createObjectBuilder().add("filename", name)
                .add("file_size", size).add("chunk_size", chunkSize).add("transfer", "direct").build().toString());
        assertEquals(201, answer.status(), answer.body());
        JsonObject json = answer.json();
        assertEquals("direct", json.getString("transfer"));
        return new Upload(json.getString("upload_id"), json.getString("upload_token"),
                json.getJsonNumber("chunk_size").longValue(), json.getInt("total_chunks"));
    }

    private static Answer target(Upload upload, int index) {
        return client.send(client.request("/api/upload/" + upload.id() + "/chunks/" + index + "/target")
                .header("Upload-Token", upload.token()).POST(BodyPublishers.noBody()));
    }

    /** Asks for chunk {@code index}'s targets and PUTs each of its blocks to its own URL with its MD5. */
    private static void stageChunk(Upload upload, int index, Path file) {
        Answer answer = target(upload, index);
        assertEquals(200, answer.status(), answer.body());
        JsonObject target = answer.json();
        assertEquals(target.getString("url"), target.getJsonArray("blocks").getJsonObject(0).getString("url"));
        for (JsonObject block : target.getJsonArray("blocks").getValuesAs(JsonObject.class)) {
            byte[] bytes = read(file, block.getJsonNumber("offset").longValue(), block.getJsonNumber("length").longValue());
            HttpResponse<String> put = putBlock(target, block.getString("url"), bytes, md5(bytes));
            assertEquals(201, put.statusCode(), put.body());
        }
    }

    private static HttpResponse<String> putBlock(JsonObject target, String url, byte[] bytes, byte[] md5) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .method(target.getString("method"), BodyPublishers.ofByteArray(bytes))
                .header("Content-MD5", Base64.getEncoder().encodeToString(md5));
        target.getJsonObject("headers").forEach((name, value) -> request.header(name, ((JsonString) value).getString()));
        try {
            return AZURE.send(request.build(), BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(Path file, long offset, long length) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) length);
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
                // read on
            }
            return buffer.array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sasOf(String url) {
        String query = url.substring(url.indexOf('?') + 1);
        List<String> kept = new ArrayList<>();
        for (String pair : query.split("&")) {
            if (!pair.startsWith("comp=") && !pair.startsWith("blockid=")) {
                kept.add(pair);
            }
        }
        return String.join("&", kept);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new HashMap<>();
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            values.put(pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    private static double receivedBytesMetric() {
        Answer metrics = client.send(client.request("/metrics").GET());
        assertEquals(200, metrics.status());
        return PrometheusText.parse(metrics.body()).getOrDefault("upload_bytes_received_total", 0.0);
    }

    private static void assertNoSasInTheLogs() {
        String logs = server.logText() + String.join("\n", server.accessLogLines());
        assertFalse(logs.contains("sig="), "a SAS signature reached a log");
        assertNotNull(logs);
    }
}
