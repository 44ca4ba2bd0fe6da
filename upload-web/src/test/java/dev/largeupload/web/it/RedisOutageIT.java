package dev.largeupload.web.it;

import static dev.largeupload.web.it.ErrorContractIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonNumber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis going away mid-upload (the connection cut by a proxy): 503 with Retry-After, nothing
 * committed; when Redis is back, the upload resumes and completes byte-exact.
 */
class RedisOutageIT {

    private static final long MIB = 1024 * 1024;

    @TempDir
    static Path work;
    static TcpProxy proxy;
    static ServerProcess server;

    @BeforeAll
    static void start() {
        proxy = new TcpProxy("127.0.0.1", 6379);
        server = ServerProcess.start(work.resolve("server"), Map.of("METADATA_STORE", "redis",
                "REDIS_HOST", "127.0.0.1", "REDIS_PORT", Integer.toString(proxy.port()),
                "REDIS_KEY_PREFIX", "it:" + UUID.randomUUID() + ":"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void redisGoneMidUpload_answers503WithRetryAfter_thenResumesAndCompletesByteExact() throws Exception {
        UploadClient client = new UploadClient(server.base());
        Path file = TestFiles.random(work, "redis-outage.bin", 4 * MIB + 1, 51);
        Upload upload = client.start("redis-outage.bin", Files.size(file), MIB);
        Transfers.sendInRandomOrder(client, upload, file, false, List.of(0, 1));

        proxy.cut();
        Answer chunk = client.putChunk(upload, 2, file, 2 * MIB, MIB);
        Answer complete = client.complete(upload);
        for (Answer answer : List.of(chunk, complete)) {
            assertProblem(answer, 503, "store.unavailable");
            assertNotNull(answer.header("Retry-After"));
        }

        proxy.restore();
        List<Integer> missing = client.resume(upload.id()).json().getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue);
        assertEquals(List.of(2, 3, 4), missing);
        Transfers.sendInRandomOrder(client, upload, file, false, missing);
        assertEquals(200, client.complete(upload).status());
        Transfers.assertDownloadsExactly(client, upload, file);
    }
}
