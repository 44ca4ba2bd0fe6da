package dev.largeupload.web.it;

import static dev.largeupload.web.it.IntegrityIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits an operator sets, against the real server: a cap on active uploads, a maximum chunk size,
 * and a read timeout that closes a slow-drip connection without recording its chunk. No CORS origins
 * are configured here, so no CORS header is ever sent.
 */
@Server(env = {"MAX_ACTIVE_UPLOADS=2", "MAX_CHUNK_SIZE=" + LimitsIT.MIB, "CHUNK_SIZE=" + LimitsIT.MIB / 2, "READ_TIMEOUT=2s"})
class LimitsIT {

    static final int MIB = 1024 * 1024;

    @TempDir
    static Path work;
    static ServerProcess server;
    static UploadClient client;

    @BeforeAll
    static void connect(ServerProcess started, UploadClient connected) {
        server = started;
        client = connected;
    }

    @Test
    void config_tellsClientsTheLimits() {
        JsonObject config = client.send(client.request("/api/config").GET()).json();
        assertEquals(MIB, config.getJsonNumber("max_chunk_size").longValue());
        assertEquals(MIB / 2, config.getJsonNumber("chunk_size").longValue());
        assertEquals(2, config.getInt("max_active_uploads"));
        assertTrue(config.getJsonArray("chunk_digest_headers").toString().contains("Content-Digest"));
    }

    @Test
    void aThirdActiveUpload_isRefusedWith429_untilOneEnds() {
        Upload first = client.start("one.bin", 10, 10);
        Upload second = client.start("two.bin", 10, 10);

        Answer third = client.init("three.bin", 10, 10);

        assertProblem(third, 429, "upload.too-many-uploads");
        assertNotNull(third.header("Retry-After"), "a refused client is told when to try again");
        assertEquals(200, client.delete(first).status());
        Upload fourth = client.start("four.bin", 10, 10);
        assertEquals(200, client.delete(second).status());
        assertEquals(200, client.delete(fourth).status());
    }

    @Test
    void aChunkSizeOverTheMaximum_isRefused_andAFileThatWouldNeedLargerChunksIsTooLarge() {
        assertProblem(client.init("big-chunks.bin", 10L * MIB, 2L * MIB), 400, "upload.invalid-chunk-size");
        assertProblem(client.init("huge.bin", 50_001L * MIB, MIB), 413, "upload.too-large");
    }

    @Test
    void aSlowDripConnection_isClosedByTheReadTimeout_andItsChunkIsNotRecorded() throws IOException {
        Upload upload = client.start("drip.bin", MIB, MIB);
        try (Socket socket = new Socket(server.base().getHost(), server.base().getPort())) {
            socket.setSoTimeout(120_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /api/upload/" + upload.id() + "/chunks/0 HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/octet-stream\r\nUpload-Token: " + upload.token() + "\r\n"
                    + "Content-Length: " + MIB + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1000]);
            out.flush();
            // Then silence: the server must give up on its own (2 s configured), well before our 120 s.
            String answer = readUntilClosedOrAnswered(socket.getInputStream());
            assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 408") || answer.startsWith("HTTP/1.1 400"),
                    "a stalled body ends the request: " + answer);
        }
        assertEquals(0, client.resume(upload.id()).json().getInt("completed_chunks"), "the stalled chunk is not recorded");
        assertEquals(200, client.send(client.request("/api/upload/" + upload.id() + "/chunks/0")
                .header("Content-Type", "application/octet-stream").header("Upload-Token", upload.token())
                .PUT(BodyPublishers.ofByteArray(new byte[MIB]))).status(), "the retry is accepted");
        assertEquals(200, client.delete(upload).status());
    }

    @Test
    void withoutConfiguredOrigins_noCorsHeaderIsSent() {
        Answer answer = client.send(client.request("/api/config").header("Origin", "https://app.example.com").GET());
        assertNull(answer.header("Access-Control-Allow-Origin"));
    }

    /** The status line of the server's answer, or "" if it closed the connection without one. */
    private static String readUntilClosedOrAnswered(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        try {
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                line.append((char) b);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept a silent connection open for 120 s", e);
        } catch (IOException e) {
            return ""; // reset by the server: closed
        }
        return line.toString().strip();
    }
}
