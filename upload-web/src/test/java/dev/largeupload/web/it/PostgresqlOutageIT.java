package dev.largeupload.web.it;

import static dev.largeupload.web.it.ErrorContractIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonNumber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL going away mid-upload: the server answers 503 with Retry-After and commits nothing;
 * when the database is back, the upload resumes where it was and completes byte-exact.
 */
class PostgresqlOutageIT {

    private static final long MIB = 1024 * 1024;

    @TempDir
    static Path work;
    static PostgresDatabase database;
    static TcpProxy proxy;
    static ServerProcess server;

    @BeforeAll
    static void start() {
        database = PostgresDatabase.create();
        proxy = new TcpProxy("127.0.0.1", 5432);
        String url = database.jdbcUrl().replace(":5432/", ":" + proxy.port() + "/");
        server = ServerProcess.start(work.resolve("server"), Map.of("METADATA_STORE", "postgresql",
                "DATABASE_URL", url, "DATABASE_USER", database.user()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (database != null) {
            database.drop();
        }
    }

    @Test
    void databaseGoneMidUpload_answers503WithRetryAfter_thenResumesAndCompletesByteExact() throws Exception {
        UploadClient client = new UploadClient(server.base());
        Path file = TestFiles.random(work, "outage.bin", 4 * MIB + 1, 31);
        Upload upload = client.start("outage.bin", Files.size(file), MIB);
        Transfers.sendInRandomOrder(client, upload, file, false, List.of(0, 1));

        proxy.cut();
        Answer chunk = client.putChunk(upload, 2, file, 2 * MIB, MIB);
        Answer complete = client.complete(upload);
        Answer status = client.status(upload.id());

        for (Answer answer : List.of(chunk, complete, status)) {
            assertProblem(answer, 503, "store.unavailable");
            assertNotNull(answer.header("Retry-After"), "no Retry-After");
            assertTrue(Integer.parseInt(answer.header("Retry-After")) > 0);
        }

        proxy.restore();
        List<Integer> missing = client.resume(upload.id()).json().getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue);
        assertEquals(List.of(2, 3, 4), missing);
        Transfers.sendInRandomOrder(client, upload, file, false, missing);
        assertEquals(200, client.complete(upload).status());
        Transfers.assertDownloadsExactly(client, upload, file);
    }
}
