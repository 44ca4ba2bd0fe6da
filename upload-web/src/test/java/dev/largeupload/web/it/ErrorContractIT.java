package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every refusal of the API table: each bad request answers its status and stable code as
 * {@code application/problem+json}, without a stack trace, and changes nothing already stored.
 * The server keeps its metadata as files, one directory per upload, so the test can count them.
 */
@Server(stores = Stores.FILE, env = "MAX_FILE_SIZE=" + ErrorContractIT.MAX_FILE_SIZE)
class ErrorContractIT {

    private static final long MIB = 1024 * 1024;
    static final long MAX_FILE_SIZE = 1L << 30;
    private static final String UNKNOWN = "00000000-0000-4000-8000-000000000000";

    @TempDir
    static Path work;
    static ServerProcess server;
    static UploadClient client;
    static Path file;
    static Upload active;
    static Upload completed;
    static String activeBefore;
    static List<String> statusBefore;
    static List<String> uploadsBefore;

    @BeforeAll
    static void createUploads(ServerProcess started, UploadClient connected) throws Exception {
        server = started;
        client = connected;
        file = TestFiles.random(work, "ref.bin", 3 * MIB, 21);
        active = client.start("active.bin", Files.size(file), MIB);
        Transfers.sendInRandomOrder(client, active, file, false, List.of(0));
        completed = client.start("completed.bin", Files.size(file), MIB);
        Transfers.sendInRandomOrder(client, completed, file, false, Transfers.allChunks(completed));
        assertEquals(200, client.complete(completed).status());
        activeBefore = stateOf(active);
        statusBefore = List.of(client.status(active.id()).body(), client.status(completed.id()).body());
        uploadsBefore = storedUploads();
    }

    record Case(String name, int status, String code, Supplier<Answer> request) {
    }

    private static Answer target(String id, String token, String index) {
        HttpRequest.Builder request = client.request("/api/upload/" + id + "/chunks/" + index + "/target")
                .POST(BodyPublishers.noBody());
        if (token != null) {
            request.header("Upload-Token", token);
        }
        return client.send(request);
    }

    @Test
    void config_onTheFilesystemStore_offersTheProxyTransferOnly() {
        Answer config = client.send(client.request("/api/config").GET());
        assertEquals(200, config.status());
        assertEquals(List.of("proxy"), config.json().getJsonArray("transfer_modes").getValuesAs(jakarta.json.JsonString::getString));
    }

    @TestFactory
    Stream<DynamicTest> everyBadRequest_answersItsProblem_andChangesNothing() {
        List<Case> cases = new ArrayList<>();
        String id = active.id();
        String token = active.token();
        // init
        cases.add(new Case("init without file_size", 400, "request.missing-field", () -> init("{\"filename\":\"a\"}")));
        cases.add(new Case("init without filename", 400, "request.missing-field", () -> init("{\"file_size\":1}")));
        cases.add(new Case("init with a negative size", 400, "upload.invalid-file-size", () -> init("{\"filename\":\"a\",\"file_size\":-1}")));
        cases.add(new Case("init with a non-numeric size", 400, "request.invalid-field", () -> init("{\"filename\":\"a\",\"file_size\":\"big\"}")));
        cases.add(new Case("init with a fractional size", 400, "request.invalid-field", () -> init("{\"filename\":\"a\",\"file_size\":1.5}")));
        cases.add(new Case("init with a size past 2^63", 400, "request.invalid-field", () -> init("{\"filename\":\"a\",\"file_size\":99999999999999999999}")));
        cases.add(new Case("init over MAX_FILE_SIZE", 413, "upload.too-large", () -> init("{\"filename\":\"a\",\"file_size\":" + (MAX_FILE_SIZE + 1) + "}")));
        cases.add(new Case("init with chunk_size 0", 400, "upload.invalid-chunk-size", () -> init("{\"filename\":\"a\",\"file_size\":5,\"chunk_size\":0}")));
        cases.add(new Case("init with chunk_size over 4000 MiB", 400, "upload.invalid-chunk-size", () -> init("{\"filename\":\"a\",\"file_size\":5,\"chunk_size\":4194304001}")));
        cases.add(new Case("init with a name that is only a folder (../)", 400, "upload.invalid-filename", () -> init("{\"filename\":\"../\",\"file_size\":5}")));
        cases.add(new Case("init with a name of control characters only", 400, "upload.invalid-filename", () -> init("{\"filename\":\"\\u0007\\u0000\",\"file_size\":5}")));
        cases.add(new Case("init with a name of bidi overrides and blanks only", 400, "upload.invalid-filename", () -> init("{\"filename\":\" \\u202e \",\"file_size\":5}")));
        cases.add(new Case("init with a bad sha256", 400, "upload.invalid-checksum", () -> init("{\"filename\":\"a\",\"file_size\":5,\"sha256\":\"abc\"}")));
        cases.add(new Case("init with a bad content type", 400, "upload.invalid-content-type", () -> init("{\"filename\":\"a\",\"file_size\":5,\"content_type\":\"not a type\"}")));
        cases.add(new Case("init with malformed JSON", 400, "request.malformed-json", () -> init("{\"filename\":")));
        cases.add(new Case("init with a JSON array", 400, "request.malformed-json", () -> init("[1,2]")));
        cases.add(new Case("init with an unknown transfer", 400, "request.invalid-field", () -> init("{\"filename\":\"a\",\"file_size\":5,\"transfer\":\"pigeon\"}")));
        cases.add(new Case("init with a transfer that is not a string", 400, "request.invalid-field", () -> init("{\"filename\":\"a\",\"file_size\":5,\"transfer\":1}")));
        cases.add(new Case("init direct on the filesystem store", 400, "upload.transfer-unavailable", () -> init("{\"filename\":\"a\",\"file_size\":5,\"transfer\":\"direct\"}")));
        // direct staging targets
        cases.add(new Case("target of a proxy upload", 409, "upload.not-direct", () -> target(id, token, "0")));
        cases.add(new Case("target without a token", 404, "upload.not-found", () -> target(id, null, "0")));
        cases.add(new Case("target of an unknown upload", 404, "upload.not-found", () -> target(UNKNOWN, token, "0")));
        cases.add(new Case("target with a malformed index", 400, "upload.invalid-chunk-index", () -> target(id, token, "x")));
        cases.add(new Case("init with an empty body", 400, "request.malformed-json", () -> init("")));
        cases.add(new Case("init as text/plain", 415, "request.unsupported-media-type", () -> client.send(client.request("/api/upload/init")
                .header("Content-Type", "text/plain").POST(BodyPublishers.ofString("{}")))));
        cases.add(new Case("GET on init", 405, "request.method-not-allowed", () -> client.send(client.request("/api/upload/init").GET())));
        // ids
        cases.add(new Case("status of an unknown upload", 404, "upload.not-found", () -> client.status(UNKNOWN)));
        cases.add(new Case("status of a malformed id", 400, "upload.invalid-id", () -> client.status("not-an-id")));
        cases.add(new Case("resume of an unknown upload", 404, "upload.not-found", () -> client.resume(UNKNOWN)));
        cases.add(new Case("download of an unknown upload", 404, "upload.not-found", () -> client.send(client.request("/api/files/" + UNKNOWN).GET())));
        cases.add(new Case("download of an unfinished upload", 409, "upload.not-active", () -> client.send(client.request("/api/files/" + id).GET())));
        cases.add(new Case("a path that does not exist", 404, "request.no-such-resource", () -> client.send(client.request("/api/nothing").GET())));
        // chunks
        cases.add(new Case("chunk with index -1", 400, "upload.invalid-chunk-index", () -> put(id, token, "-1", MIB)));
        cases.add(new Case("chunk with a non-numeric index", 400, "upload.invalid-chunk-index", () -> put(id, token, "one", MIB)));
        cases.add(new Case("chunk with an index out of range", 400, "upload.chunk-out-of-range", () -> put(id, token, "3", MIB)));
        cases.add(new Case("chunk longer than the plan", 400, "upload.chunk-length-mismatch", () -> put(id, token, "1", MIB + 1)));
        cases.add(new Case("chunk shorter than the plan", 400, "upload.chunk-length-mismatch", () -> put(id, token, "1", MIB - 1)));
        cases.add(new Case("chunk without a token", 404, "upload.not-found", () -> put(id, null, "1", MIB)));
        cases.add(new Case("chunk with another upload's token", 404, "upload.not-found", () -> put(id, completed.token(), "1", MIB)));
        cases.add(new Case("chunk for an unknown upload", 404, "upload.not-found", () -> put(UNKNOWN, token, "1", MIB)));
        cases.add(new Case("chunk for a malformed id", 400, "upload.invalid-id", () -> put("x", token, "1", MIB)));
        cases.add(new Case("chunk after completion", 409, "upload.not-active", () -> put(completed.id(), completed.token(), "1", MIB)));
        cases.add(new Case("Content-Range without the chunk length", 400, "upload.invalid-range",
                () -> client.send(chunkRequest(id, token, "1", MIB).header("Content-Range", "bytes 0-1048575"))));
        cases.add(new Case("Content-Range asking for the status (bytes */length)", 400, "upload.invalid-range",
                () -> client.send(chunkRequest(id, token, "1", MIB).header("Content-Range", "bytes */1048576"))));
        cases.add(new Case("Content-Range in another unit", 400, "upload.invalid-range",
                () -> client.send(chunkRequest(id, token, "1", MIB).header("Content-Range", "items 0-1048575/1048576"))));
        cases.add(new Case("Content-Range whose last byte is before its first", 400, "upload.invalid-range",
                () -> client.send(chunkRequest(id, token, "1", 6).header("Content-Range", "bytes 10-5/1048576"))));
        cases.add(new Case("Content-Range of another chunk length", 400, "upload.chunk-length-mismatch",
                () -> client.send(chunkRequest(id, token, "1", MIB).header("Content-Range", "bytes 0-1048575/2097152"))));
        cases.add(new Case("Content-Range ending inside a block", 400, "upload.invalid-range",
                () -> client.send(chunkRequest(id, token, "1", 100).header("Content-Range", "bytes 0-99/1048576"))));
        cases.add(new Case("Content-Range starting inside a block", 409, "upload.offset-mismatch",
                () -> client.send(chunkRequest(id, token, "1", MIB - 100).header("Content-Range", "bytes 100-1048575/1048576"))));
        cases.add(new Case("Content-Range whose length differs from the body's", 400, "upload.chunk-length-mismatch",
                () -> client.send(chunkRequest(id, token, "1", 1000).header("Content-Range", "bytes 0-1048575/1048576"))));
        cases.add(new Case("chunk as application/json", 415, "request.unsupported-media-type", () -> client.send(client.request("/api/upload/" + id + "/chunks/1")
                .header("Upload-Token", token).header("Content-Type", "application/json").PUT(BodyPublishers.ofString("{}")))));
        cases.add(new Case("chunk with a malformed Content-MD5", 400, "upload.invalid-checksum", () -> client.send(chunkRequest(id, token, "1", MIB)
                .header("Content-MD5", "nope"))));
        cases.add(new Case("chunk whose bytes do not match its Content-MD5", 422, "upload.checksum-mismatch", () -> client.send(chunkRequest(id, token, "1", MIB)
                .header("Content-MD5", Base64.getEncoder().encodeToString(new byte[16])))));
        cases.add(new Case("multipart chunk without upload_id", 400, "request.missing-field", () -> multipart("chunk_index", "1")));
        cases.add(new Case("multipart body that is not multipart", 400, "request.malformed-multipart", () -> client.send(client.request("/api/upload/chunk")
                .header("Content-Type", "multipart/form-data; boundary=zzz").POST(BodyPublishers.ofString("garbage")))));
        // complete and delete
        cases.add(new Case("complete with chunks missing", 409, "upload.incomplete", () -> client.complete(active)));
        cases.add(new Case("complete without a token", 404, "upload.not-found", () -> client.postJson("/api/upload/complete", "{\"upload_id\":\"" + id + "\"}")));
        cases.add(new Case("complete without upload_id", 400, "request.missing-field", () -> client.postJson("/api/upload/complete", "{}")));
        cases.add(new Case("complete with malformed JSON", 400, "request.malformed-json", () -> client.postJson("/api/upload/complete", "nope")));
        cases.add(new Case("delete without a token", 404, "upload.not-found", () -> client.send(client.request("/api/upload/" + id).DELETE())));
        cases.add(new Case("delete of a malformed id", 400, "upload.invalid-id", () -> client.send(client.request("/api/upload/not-an-id").DELETE())));
        cases.add(new Case("a path with an encoded slash", 400, "request.malformed", () -> client.send(client.request("/api/upload/..%2Fetc").DELETE())));

        // ---- hostile requests ----
        String other = completed.id();
        // ids: traversal, encodings, case, length
        cases.add(new Case("status of ..%2F..%2Fetc%2Fpasswd", 400, "request.malformed", () -> get("/api/upload/status/..%2F..%2Fetc%2Fpasswd")));
        cases.add(new Case("status of %2e%2e", 400, "request.malformed", () -> get("/api/upload/status/%2e%2e")));
        cases.add(new Case("status of %2e%2e%2f%2e%2e%2fconfig", 400, "request.malformed", () -> get("/api/upload/status/%2e%2e%2f%2e%2e%2fconfig")));
        cases.add(new Case("download of %2e%2e%2f%2e%2e%2fetc%2fpasswd", 400, "request.malformed", () -> get("/api/files/%2e%2e%2f%2e%2e%2fetc%2fpasswd")));
        cases.add(new Case("download of ..%5c..%5cwindows (encoded backslashes)", 400, "request.malformed", () -> get("/api/files/..%5c..%5cwindows")));
        cases.add(new Case("chunk for the id %2e%2e", 400, "request.malformed", () -> put("%2e%2e", token, "0", MIB)));
        cases.add(new Case("chunk index %2e%2e", 400, "request.malformed", () -> put(id, token, "%2e%2e", MIB)));
        cases.add(new Case("status of an upper-case id", 400, "upload.invalid-id", () -> client.status(id.toUpperCase(java.util.Locale.ROOT))));
        cases.add(new Case("status of an id with a space", 400, "upload.invalid-id", () -> client.status("%20" + id)));
        cases.add(new Case("status of a 4,000-character id", 400, "upload.invalid-id", () -> client.status("a".repeat(4000))));
        cases.add(new Case("status of a fullwidth-digit id", 400, "upload.invalid-id", () -> client.status("%EF%BC%91%EF%BC%92%EF%BC%93")));
        cases.add(new Case("complete of upload_id ../x", 400, "upload.invalid-id", () -> client.send(client.request("/api/upload/complete")
                .header("Content-Type", "application/json").header("Upload-Token", token).POST(BodyPublishers.ofString("{\"upload_id\":\"../x\"}")))));
        cases.add(new Case("multipart chunk for upload_id ../../etc", 400, "upload.invalid-id", () -> multipart(
                List.of(Map.entry("upload_id", "../../etc"), Map.entry("chunk_index", "1")), true)));
        // indexes
        cases.add(new Case("chunk index 99999999999999999999", 400, "upload.invalid-chunk-index", () -> put(id, token, "99999999999999999999", MIB)));
        cases.add(new Case("chunk index 2147483648", 400, "upload.chunk-out-of-range", () -> put(id, token, "2147483648", MIB)));
        cases.add(new Case("chunk index +1", 400, "upload.invalid-chunk-index", () -> put(id, token, "+1", MIB)));
        cases.add(new Case("chunk index 1e3", 400, "upload.invalid-chunk-index", () -> put(id, token, "1e3", MIB)));
        cases.add(new Case("chunk index 0x1", 400, "upload.invalid-chunk-index", () -> put(id, token, "0x1", MIB)));
        cases.add(new Case("chunk index in fullwidth digits", 400, "upload.invalid-chunk-index", () -> put(id, token, "%EF%BC%91", MIB)));
        cases.add(new Case("multipart chunk_index -5", 400, "upload.invalid-chunk-index", () -> multipart(
                List.of(Map.entry("upload_id", id), Map.entry("chunk_index", "-5")), true)));
        // sizes and lengths
        cases.add(new Case("Content-Length of 1 TiB, answered before any body byte", 400, "upload.chunk-length-mismatch", () -> {
            try (RawHttp raw = new RawHttp(server.base())) {
                return raw.head("PUT /api/upload/" + id + "/chunks/1 HTTP/1.1", "Upload-Token: " + token,
                        "Content-Type: application/octet-stream", "Content-Length: " + (1L << 40)).answer();
            }
        }));
        cases.add(new Case("chunked body longer than the plan, answered while the client holds the rest", 400, "upload.chunk-length-mismatch", () -> {
            try (RawHttp raw = new RawHttp(server.base())) {
                raw.head("PUT /api/upload/" + id + "/chunks/1 HTTP/1.1", "Upload-Token: " + token,
                        "Content-Type: application/octet-stream", "Transfer-Encoding: chunked");
                raw.sendChunk(new byte[(int) MIB]).sendChunk(new byte[64 * 1024]);
                // No more is sent and the body is not ended: the server must answer from what it has.
                return raw.answer();
            }
        }));
        cases.add(new Case("chunked body shorter than the plan", 400, "upload.chunk-length-mismatch", () -> {
            try (RawHttp raw = new RawHttp(server.base())) {
                raw.head("PUT /api/upload/" + id + "/chunks/1 HTTP/1.1", "Upload-Token: " + token,
                        "Content-Type: application/octet-stream", "Transfer-Encoding: chunked");
                return raw.sendChunk(new byte[1000]).send("0\r\n\r\n".getBytes()).answer();
            }
        }));
        cases.add(new Case("chunk with an empty body", 400, "upload.chunk-length-mismatch", () -> client.send(client.request("/api/upload/" + id + "/chunks/1")
                .header("Content-Type", "application/octet-stream").header("Upload-Token", token).PUT(BodyPublishers.noBody()))));
        cases.add(new Case("init with file_size 2^63-1", 413, "upload.too-large", () -> init("{\"filename\":\"a\",\"file_size\":" + Long.MAX_VALUE + "}")));
        cases.add(new Case("init with a negative chunk_size", 400, "upload.invalid-chunk-size", () -> init("{\"filename\":\"a\",\"file_size\":5,\"chunk_size\":-1}")));
        cases.add(new Case("init with a fractional chunk_size", 400, "request.invalid-field", () -> init("{\"filename\":\"a\",\"file_size\":5,\"chunk_size\":1024.5}")));
        // JSON: types, nesting, huge strings, duplicate keys
        cases.add(new Case("init with a numeric filename", 400, "request.invalid-field", () -> init("{\"filename\":5,\"file_size\":5}")));
        cases.add(new Case("init with a null filename", 400, "request.missing-field", () -> init("{\"filename\":null,\"file_size\":5}")));
        cases.add(new Case("init with chunk_size as a string", 400, "request.invalid-field", () -> init("{\"filename\":\"a\",\"file_size\":5,\"chunk_size\":\"1\"}")));
        cases.add(new Case("init with file_size true", 400, "request.invalid-field", () -> init("{\"filename\":\"a\",\"file_size\":true}")));
        cases.add(new Case("init with content after the JSON object", 400, "request.malformed-json", () -> init("{\"filename\":\"a\",\"file_size\":5} xyz")));
        cases.add(new Case("init with two JSON objects", 400, "request.malformed-json", () -> init("{\"filename\":\"a\",\"file_size\":5}{}")));
        cases.add(new Case("init with a JSON string body", 400, "request.malformed-json", () -> init("\"filename\"")));
        cases.add(new Case("init with a JSON null body", 400, "request.malformed-json", () -> init("null")));
        // Nesting past the parser's depth limit, within the 8 KiB body limit:
        cases.add(new Case("init with arrays nested 3,000 deep", 400, "request.malformed-json", () -> init("[".repeat(3_000) + "]".repeat(3_000))));
        cases.add(new Case("init with objects nested 1,200 deep", 400, "request.malformed-json", () -> init("{\"a\":".repeat(1_200) + "1" + "}".repeat(1_200))));
        // JSON bodies are at most 8 KiB, refused while read (a 60 MB body once exhausted the heap):
        cases.add(new Case("init with arrays nested 100,000 deep", 413, "request.too-large", () -> init("[".repeat(100_000) + "]".repeat(100_000))));
        cases.add(new Case("init with an 8 MiB string", 413, "request.too-large", () -> init("{\"filename\":\"a\",\"junk\":\"" + "x".repeat(8 << 20) + "\"}")));
        cases.add(new Case("init with a 1 MiB content type", 413, "request.too-large", () -> init("{\"filename\":\"a\",\"file_size\":5,\"content_type\":\"a/" + "b".repeat(1 << 20) + "\"}")));
        cases.add(new Case("complete with a 64 KiB body", 413, "request.too-large", () -> client.postJson("/api/upload/complete",
                "{\"upload_id\":\"" + id + "\",\"pad\":\"" + "x".repeat(64 << 10) + "\"}")));
        cases.add(new Case("init with a 300-character content type", 400, "upload.invalid-content-type", () -> init("{\"filename\":\"a\",\"file_size\":5,\"content_type\":\"a/" + "b".repeat(300) + "\"}")));
        cases.add(new Case("init with a duplicate key, the second one bad", 400, "upload.invalid-file-size", () -> init("{\"filename\":\"a\",\"file_size\":5,\"file_size\":-5}")));
        cases.add(new Case("init with invalid UTF-8 in a key", 400, "request.missing-field", () -> client.send(client.request("/api/upload/init")
                .header("Content-Type", "application/json").POST(BodyPublishers.ofByteArray(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'})))));
        cases.add(new Case("complete with a numeric upload_id", 400, "request.invalid-field", () -> client.postJson("/api/upload/complete", "{\"upload_id\":123}")));
        // my uploads
        cases.add(new Case("uploads with an unknown state", 400, "request.invalid-parameter", () -> get("/api/uploads?state=lost")));
        cases.add(new Case("uploads with a limit of 0", 400, "request.invalid-parameter", () -> get("/api/uploads?limit=0")));
        cases.add(new Case("uploads with a limit of 201", 400, "request.invalid-parameter", () -> get("/api/uploads?limit=201")));
        cases.add(new Case("uploads with a cursor it never gave", 400, "request.invalid-cursor", () -> get("/api/uploads?cursor=bm9wZQ")));
        cases.add(new Case("uploads with Upload-Tokens not id:token", 400, "request.invalid-header", () -> client.send(client.request("/api/uploads")
                .header("Upload-Tokens", "just-a-token").GET())));
        cases.add(new Case("uploads with Upload-Tokens naming no upload id", 400, "request.invalid-header", () -> client.send(client.request("/api/uploads")
                .header("Upload-Tokens", "../etc:token").GET())));
        // content types
        cases.add(new Case("init without a content type", 415, "request.unsupported-media-type", () -> client.send(client.request("/api/upload/init")
                .POST(BodyPublishers.ofString("{\"filename\":\"a\",\"file_size\":5}")))));
        cases.add(new Case("init as application/x-www-form-urlencoded", 415, "request.unsupported-media-type", () -> client.send(client.request("/api/upload/init")
                .header("Content-Type", "application/x-www-form-urlencoded").POST(BodyPublishers.ofString("filename=a&file_size=5")))));
        cases.add(new Case("chunk PUT as multipart/form-data", 415, "request.unsupported-media-type", () -> client.send(client.request("/api/upload/" + id + "/chunks/1")
                .header("Upload-Token", token).header("Content-Type", "multipart/form-data; boundary=x").PUT(BodyPublishers.ofString("--x--")))));
        cases.add(new Case("multipart POST as application/octet-stream", 415, "request.unsupported-media-type", () -> client.send(client.request("/api/upload/chunk")
                .header("Upload-Token", token).header("Content-Type", "application/octet-stream").POST(BodyPublishers.ofString("abc")))));
        cases.add(new Case("multipart without a boundary", 400, "request.malformed-multipart", () -> client.send(client.request("/api/upload/chunk")
                .header("Upload-Token", token).header("Content-Type", "multipart/form-data").POST(BodyPublishers.ofString("abc")))));
        // headers
        cases.add(new Case("Content-MD5 of 15 bytes", 400, "upload.invalid-checksum", () -> client.send(chunkRequest(id, token, "1", MIB)
                .header("Content-MD5", Base64.getEncoder().encodeToString(new byte[15])))));
        cases.add(new Case("Content-MD5 in hex instead of Base64", 400, "upload.invalid-checksum", () -> client.send(chunkRequest(id, token, "1", MIB)
                .header("Content-MD5", "d41d8cd98f00b204e9800998ecf8427e"))));
        cases.add(new Case("Content-MD5 of 6,000 characters", 400, "upload.invalid-checksum", () -> client.send(chunkRequest(id, token, "1", MIB)
                .header("Content-MD5", "A".repeat(6000)))));
        // tokens
        String wrong = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
        cases.add(new Case("chunk with a token one character off", 404, "upload.not-found", () -> put(id, wrong, "1", MIB)));
        cases.add(new Case("chunk with an empty token", 404, "upload.not-found", () -> put(id, "", "1", MIB)));
        cases.add(new Case("chunk with a 6,000-character token", 404, "upload.not-found", () -> put(id, "t".repeat(6000), "1", MIB)));
        cases.add(new Case("complete with a wrong token in the body", 404, "upload.not-found", () -> client.postJson("/api/upload/complete",
                "{\"upload_id\":\"" + id + "\",\"upload_token\":\"" + wrong + "\"}")));
        cases.add(new Case("delete with a wrong token", 404, "upload.not-found", () -> client.send(client.request("/api/upload/" + id).header("Upload-Token", wrong).DELETE())));
        cases.add(new Case("delete of the completed upload with the active one's token", 404, "upload.not-found", () -> client.send(client.request("/api/upload/" + other)
                .header("Upload-Token", token).DELETE())));
        cases.add(new Case("multipart chunk with a wrong upload_token field", 404, "upload.not-found", () -> multipart(
                List.of(Map.entry("upload_id", id), Map.entry("chunk_index", "1"), Map.entry("upload_token", wrong)), true)));
        // methods
        cases.add(new Case("PATCH on a chunk", 405, "request.method-not-allowed", () -> client.send(client.request("/api/upload/" + id + "/chunks/1")
                .header("Upload-Token", token).method("PATCH", BodyPublishers.ofString("x")))));
        cases.add(new Case("TRACE on a chunk", 405, "request.method-not-allowed", () -> {
            try (RawHttp raw = new RawHttp(server.base())) {
                return raw.head("TRACE /api/upload/" + id + "/chunks/1 HTTP/1.1", "Upload-Token: " + token).answer();
            }
        }));
        cases.add(new Case("DELETE on init (taken for an upload id)", 400, "upload.invalid-id", () -> client.send(client.request("/api/upload/init").DELETE())));
        cases.add(new Case("PUT on status", 405, "request.method-not-allowed", () -> client.send(client.request("/api/upload/status/" + id)
                .PUT(BodyPublishers.ofString("{}")))));
        cases.add(new Case("POST on a download", 405, "request.method-not-allowed", () -> client.send(client.request("/api/files/" + other)
                .header("Content-Type", "application/octet-stream").POST(BodyPublishers.ofString("x")))));
        // multipart forms with parts missing or too many
        cases.add(new Case("multipart without chunk_index", 400, "request.missing-field", () -> multipart(List.of(Map.entry("upload_id", id)), true)));
        cases.add(new Case("multipart without the file part", 400, "request.missing-field", () -> multipart(
                List.of(Map.entry("upload_id", id), Map.entry("chunk_index", "1")), false)));
        cases.add(new Case("multipart with only the closing boundary", 400, "request.malformed-multipart", () -> client.send(client.request("/api/upload/chunk")
                .header("Upload-Token", token).header("Content-Type", "multipart/form-data; boundary=b0undary").POST(BodyPublishers.ofString("--b0undary--\r\n")))));
        cases.add(new Case("multipart with nine parts", 400, "request.malformed-multipart", () -> multipart(
                java.util.stream.IntStream.range(0, 9).mapToObj(i -> Map.entry("f" + i, "v")).toList(), false)));
        cases.add(new Case("multipart with a 2,000-byte field", 400, "request.invalid-field", () -> multipart(
                List.of(Map.entry("upload_id", "x".repeat(2000))), true)));

        assertTrue(cases.size() >= 60, "the table holds " + cases.size() + " cases");
        assertEquals(cases.size(), cases.stream().map(Case::name).distinct().count(), "two cases share a name");
        Stream<DynamicTest> each = cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Answer answer = c.request().get();
            assertProblem(answer, c.status(), c.code());
            assertEquals(activeBefore, stateOf(active), "the active upload changed");
        }));
        return Stream.concat(each, Stream.of(DynamicTest.dynamicTest("afterwards: nothing changed and the server is healthy",
                ErrorContractIT::nothingChangedAndTheServerIsHealthy)));
    }

    /**
     * After the whole table: both reference uploads answer exactly the status they answered before
     * (times included), no upload was created or staged, the completed file still downloads
     * byte-exact, and a new upload still goes all the way through.
     */
    static void nothingChangedAndTheServerIsHealthy() throws Exception {
        assertEquals(statusBefore, List.of(client.status(active.id()).body(), client.status(completed.id()).body()));
        assertEquals(uploadsBefore, storedUploads(), "an upload was created or removed");
        try (Stream<Path> staged = Files.list(server.dataDir().resolve("blobs/staging"))) {
            assertEquals(List.of(active.id()), staged.map(p -> p.getFileName().toString()).toList(), "something else was staged");
        }
        Transfers.assertDownloadsExactly(client, completed, file);
        assertEquals(200, client.send(client.request("/api/config").GET()).status());
        Upload fresh = client.start("after.bin", Files.size(file), MIB);
        Transfers.sendInRandomOrder(client, fresh, file, false, Transfers.allChunks(fresh));
        assertEquals(200, client.complete(fresh).status());
        Transfers.assertDownloadsExactly(client, fresh, file);
    }

    /** The ids of the uploads the file metadata store holds (one directory each). */
    static List<String> storedUploads() throws Exception {
        try (Stream<Path> dirs = Files.list(server.dataDir().resolve("metadata-files"))) {
            return dirs.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void completeWithChunksMissing_listsThemAndTheUploadStaysActive() {
        Answer answer = client.complete(active);

        assertProblem(answer, 409, "upload.incomplete");
        assertEquals(List.of(1, 2), answer.json().getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue));
        assertEquals("active", client.status(active.id()).json().getString("state"));
    }

    static void assertProblem(Answer answer, int status, String code) {
        assertAll(
                () -> assertEquals(status, answer.status(), answer.body()),
                () -> assertNotNull(answer.contentType(), "no content type"),
                () -> assertTrue(answer.contentType().startsWith("application/problem+json"), answer.contentType()),
                () -> {
                    JsonObject problem = answer.json();
                    assertEquals(code, problem.getString("code"));
                    assertEquals(status, problem.getInt("status"));
                    assertFalse(problem.getString("title").isBlank());
                    assertFalse(problem.getString("detail").isBlank());
                    assertTrue(problem.getString("type").endsWith(code));
                },
                () -> assertFalse(answer.body().contains("Exception") || answer.body().contains("\tat "), answer.body()));
    }

    static String stateOf(Upload upload) {
        JsonObject status = client.status(upload.id()).json();
        return status.getString("state") + " " + status.getJsonArray("block_ids") + " " + status.getJsonNumber("file_size");
    }

    private static Answer init(String json) {
        return client.postJson("/api/upload/init", json);
    }

    private static HttpRequest.Builder chunkRequest(String id, String token, String index, long length) {
        HttpRequest.Builder request = client.request("/api/upload/" + id + "/chunks/" + index)
                .header("Content-Type", "application/octet-stream")
                .PUT(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> UploadClient.slice(file, 0, length).get()), length));
        if (token != null) {
            request.header("Upload-Token", token);
        }
        return request;
    }

    private static Answer put(String id, String token, String index, long length) {
        return client.send(chunkRequest(id, token, index, length));
    }

    private static Answer get(String rawPath) {
        return client.send(client.request(rawPath).GET());
    }

    /** A multipart chunk form with the given text fields in order, then (or not) a 3-byte file part. */
    private static Answer multipart(List<Map.Entry<String, String>> fields, boolean withFile) {
        String boundary = "b0undary";
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> field : fields) {
            body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(field.getKey())
                    .append("\"\r\n\r\n").append(field.getValue()).append("\r\n");
        }
        if (withFile) {
            body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\nabc\r\n");
        }
        body.append("--").append(boundary).append("--\r\n");
        return client.send(client.request("/api/upload/chunk").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(BodyPublishers.ofString(body.toString())));
    }

    private static Answer multipart(String name, String value) {
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n"
                + "abc\r\n--" + boundary + "--\r\n";
        return client.send(client.request("/api/upload/chunk").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Upload-Token", active.token())
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body.getBytes()))));
    }
}
