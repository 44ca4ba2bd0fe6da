package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tus 1.0.0 edge from outside, request by request: every extension's status codes and headers, offsets at
 * byte precision (PATCHes shorter than a block, a 64 MiB PATCH cut after 40 MiB, acknowledged offsets surviving
 * {@code kill -9}), and the native API on tus uploads. Blocks are 10 MiB here (the default 50 MiB chunks cut
 * into 5). One server per class; run once per store configuration by the subclasses.
 */
abstract class TusProtocolIT {

    static final String ORIGIN = "https://app.example";
    private static final long MIB = 1024 * 1024;
    private static final long BLOCK = 10 * MIB;
    private static final long SIZE = 25 * MIB + 321;
    private static final long BIG = 64 * MIB + 77;
    private static final long CUT = 40 * MIB;

    @TempDir
    static Path work;

    private static Path file;
    private static Path big;

    @BeforeAll
    static void files() {
        file = TestFiles.random(work, "tus.bin", SIZE, 15);
        big = TestFiles.random(work, "big.bin", BIG, 16);
    }

    // --- discovery and versions ---------------------------------------------------------------

    @Test
    void options_advertisesTheVersionTheExtensionsTheMaximumAndTheAlgorithms(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        Answer options = tus.send("OPTIONS", tus.creation(), BodyPublishers.noBody());
        assertEquals(204, options.status(), options.body());
        assertEquals("1.0.0", options.header("Tus-Version"));
        assertEquals("1.0.0", options.header("Tus-Resumable"));
        assertEquals(Set.of("creation", "creation-with-upload", "creation-defer-length", "expiration", "checksum",
                        "checksum-trailer", "termination", "concatenation"), Set.of(options.header("Tus-Extension").split(",")));
        assertEquals("application/partial-upload", options.header("Accept-Patch"), "for clients of the IETF draft");
        assertEquals("1099511627776", options.header("Tus-Max-Size"));
        assertEquals("sha1,md5,sha256", options.header("Tus-Checksum-Algorithm"));
    }

    @Test
    void aRequestWithoutOrWithAnotherTusResumable_is412_withTusVersion(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        Answer none = tus.send("POST", tus.creation(), BodyPublishers.noBody(), "Upload-Length", "10");
        assertEquals(412, none.status(), none.body());
        assertEquals("1.0.0", none.header("Tus-Version"));
        assertEquals("application/problem+json", none.contentType());
        assertEquals("tus.version-unsupported", none.json().getString("code"));
        Answer other = tus.send("POST", tus.creation(), BodyPublishers.noBody(), "Tus-Resumable", "0.2.2", "Upload-Length", "10");
        assertEquals(412, other.status(), other.body());
        URI upload = tus.url(tus.create(10, null));
        assertEquals(412, tus.send("HEAD", upload, BodyPublishers.noBody()).status());
        assertEquals(412, tus.send("PATCH", upload, BodyPublishers.ofByteArray(new byte[1]), "Upload-Offset", "0",
                "Content-Type", TusCalls.OCTETS).status());
        assertEquals(0, tus.offset(upload), "refused requests changed nothing");
    }

    // --- creation, metadata, expiration --------------------------------------------------------

    @Test
    void creation_is201WithAnUploadUrlUnderTheEdge_andHeadReportsOffsetLengthMetadataAndExpiry(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        String metadata = "filename " + b64("Bericht Ü.pdf") + ",filetype " + b64("application/pdf") + ",empty,note " + b64("x y");
        Answer created = tus.create(SIZE, metadata);
        assertEquals(201, created.status(), created.body());
        assertEquals("1.0.0", created.header("Tus-Resumable"));
        URI upload = tus.url(created);
        assertTrue(upload.getPath().startsWith("/api/tus/"), upload.toString());
        assertNotNull(created.header("Upload-Expires"));

        Answer head = tus.head(upload);
        assertEquals(200, head.status());
        assertEquals("0", head.header("Upload-Offset"));
        assertEquals(Long.toString(SIZE), head.header("Upload-Length"));
        assertEquals(metadata, head.header("Upload-Metadata"));
        assertEquals("no-store", head.header("Cache-Control"));
        Instant expires = Instant.from(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.parse(head.header("Upload-Expires")));
        assertTrue(expires.isAfter(Instant.now().plus(Duration.ofHours(71))), "expires " + expires);

        JsonStatus status = JsonStatus.of(new UploadClient(server.base()).status(idOf(upload)));
        assertEquals("Bericht Ü.pdf", status.answer().json().getString("filename"));
    }

    @Test
    void creation_refusesWhatItCannotServe(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        Answer missing = tus.send("POST", tus.creation(), BodyPublishers.noBody(), "Tus-Resumable", "1.0.0");
        assertEquals(400, missing.status(), missing.body());
        assertEquals("tus.header-missing", missing.json().getString("code"));
        Answer tooLarge = tus.create(1L << 50, null);
        assertEquals(413, tooLarge.status(), tooLarge.body());
        assertEquals("application/problem+json", tooLarge.contentType());
        Answer both = tus.create(10, null, "Upload-Defer-Length", "1");
        assertEquals(400, both.status(), both.body());
        Answer notOne = tus.send("POST", tus.creation(), BodyPublishers.noBody(), "Tus-Resumable", "1.0.0",
                "Upload-Defer-Length", "2");
        assertEquals(400, notOne.status(), notOne.body());
        Answer concat = tus.create(10, null, "Upload-Concat", "partially");
        assertEquals(400, concat.status(), concat.body());
        assertEquals("tus.concat-invalid", concat.json().getString("code"));
        Answer badMetadata = tus.create(10, "filename not*base64");
        assertEquals(400, badMetadata.status(), badMetadata.body());
        assertEquals("tus.metadata-invalid", badMetadata.json().getString("code"));
    }

    @Test
    void creationWithUpload_keepsTheBody_andAnswersItsOffset(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        byte[] first = slice(0, (int) MIB);
        Answer created = tus.send("POST", tus.creation(), BodyPublishers.ofByteArray(first), "Tus-Resumable", "1.0.0",
                "Upload-Length", Long.toString(SIZE), "Content-Type", TusCalls.OCTETS);
        assertEquals(201, created.status(), created.body());
        assertEquals(Long.toString(MIB), created.header("Upload-Offset"));
        URI upload = tus.url(created);
        assertEquals(MIB, tus.offset(upload));
        finishAndCheck(tus, upload, MIB, file);
    }

    @Test
    void anEmptyFile_isCompleteAtItsCreation(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        URI upload = tus.url(tus.create(0, null));
        assertEquals(0, tus.offset(upload));
        UploadClient.Download download = tus.download(upload, null);
        assertEquals(200, download.status());
        assertEquals(0, download.length());
    }

    @Test
    void deferLength_headSaysDeferredUntilAPatchDeclaresTheLength_whichIsThenFixed_andTheFileIsByteExact(
            ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        Answer created = tus.send("POST", tus.creation(), BodyPublishers.noBody(), "Tus-Resumable", "1.0.0",
                "Upload-Defer-Length", "1", "Upload-Metadata", "filename " + b64("deferred.bin"));
        assertEquals(201, created.status(), created.body());
        URI upload = tus.url(created);
        assertEquals(204, tus.patch(upload, file, 0, BLOCK + 5).status());
        Answer head = tus.head(upload);
        assertEquals(Long.toString(BLOCK + 5), head.header("Upload-Offset"));
        assertEquals("1", head.header("Upload-Defer-Length"));
        assertNull(head.header("Upload-Length"));

        Answer declared = tus.patch(upload, file, BLOCK + 5, 2 * BLOCK, "Upload-Length", Long.toString(SIZE));
        assertEquals(204, declared.status(), declared.body());
        head = tus.head(upload);
        assertEquals(Long.toString(SIZE), head.header("Upload-Length"));
        assertNull(head.header("Upload-Defer-Length"));
        Answer other = tus.patch(upload, file, 2 * BLOCK, 2 * BLOCK + 1, "Upload-Length", Long.toString(SIZE + 1));
        assertEquals(400, other.status(), other.body());
        assertEquals("upload.length-mismatch", other.json().getString("code"));
        assertEquals(2 * BLOCK, tus.offset(upload), "the refused PATCH changed nothing");
        finishAndCheck(tus, upload, 2 * BLOCK, file);
    }

    @Test
    void deferLength_anAppendPastTheLargestFile_is413(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        URI upload = tus.url(tus.send("POST", tus.creation(), BodyPublishers.noBody(), "Tus-Resumable", "1.0.0",
                "Upload-Defer-Length", "1"));
        Answer tooLong = tus.patchBytes(upload, 0, new byte[1], "Upload-Length", Long.toString((1L << 40) + 1));
        assertEquals(413, tooLong.status(), tooLong.body());
        assertEquals(0, tus.offset(upload));
    }

    // --- the IETF resumable-upload draft on the same URLs ---------------------------------------

    @Test
    void ietfDraft8_createsWithoutALength_appends_completesWithUploadCompleteTrue_byteExact(ServerProcess server) {
        draftUploadInParts(server, "8");
    }

    @Test
    void ietfDraft6_createsWithoutALength_appends_completesWithUploadCompleteTrue_byteExact(ServerProcess server) {
        draftUploadInParts(server, "6");
    }

    /** Creation with the first MiB and {@code ?0}, a refused append or two, appends, the last one {@code ?1}. */
    private static void draftUploadInParts(ServerProcess server, String interop) {
        IetfDraftCalls draft = new IetfDraftCalls(server.base(), interop);
        Answer created = draft.create(file, 0, MIB, false);
        assertEquals(201, created.status(), created.body());
        assertNull(created.header("Tus-Resumable"), "a draft answer is no tus answer");
        assertEquals(Long.toString(MIB), created.header("Upload-Offset"));
        assertEquals("?0", created.header("Upload-Complete"));
        assertTrue(created.header("Upload-Limit").contains("max-size=1099511627776"), created.header("Upload-Limit"));
        URI upload = draft.url(created);
        assertTrue(upload.getPath().startsWith("/api/tus/"), upload.toString());

        Answer head = draft.head(upload);
        assertEquals(204, head.status(), head.body());
        assertEquals(Long.toString(MIB), head.header("Upload-Offset"));
        assertEquals("?0", head.header("Upload-Complete"));
        assertNull(head.header("Upload-Length"), "no length was given");
        assertEquals("no-store", head.header("Cache-Control"));
        assertTrue(head.header("Upload-Limit").contains("max-age="), head.header("Upload-Limit"));

        Answer wrongOffset = draft.append(upload, file, 2 * MIB, 3 * MIB, false);
        assertEquals(409, wrongOffset.status(), wrongOffset.body());
        assertEquals(Long.toString(MIB), wrongOffset.header("Upload-Offset"));
        assertEquals("https://iana.org/assignments/http-problem-types#mismatching-upload-offset",
                wrongOffset.json().getString("type"));
        assertEquals(MIB, wrongOffset.json().getJsonNumber("expected-offset").longValue());
        assertEquals(2 * MIB, wrongOffset.json().getJsonNumber("provided-offset").longValue());
        Answer wrongType = draft.append(upload, file, MIB, 2 * MIB, false, "Content-Type", TusCalls.OCTETS);
        assertEquals(415, wrongType.status(), wrongType.body());

        Answer middle = draft.append(upload, file, MIB, BLOCK + 3, false);
        assertEquals(204, middle.status(), middle.body());
        assertEquals(Long.toString(BLOCK + 3), middle.header("Upload-Offset"));
        assertEquals("?0", middle.header("Upload-Complete"));
        Answer last = draft.append(upload, file, BLOCK + 3, SIZE, true);
        assertEquals(200, last.status(), last.body());
        assertEquals("?1", last.header("Upload-Complete"));
        head = draft.head(upload);
        assertEquals("?1", head.header("Upload-Complete"));
        assertEquals(Long.toString(SIZE), head.header("Upload-Length"), "the length the completing append gave");
        UploadClient.Download download = draft.download(upload);
        assertEquals(SIZE, download.length());
        assertEquals(TestFiles.sha256(file), download.sha256());
    }

    @Test
    void ietfDraft_digests_aLengthThatDisagrees_cancellation_andAnUnknownInteropVersion(ServerProcess server)
            throws Exception {
        IetfDraftCalls draft = new IetfDraftCalls(server.base(), "8");
        byte[] first = slice(0, (int) MIB);
        String sha256 = java.util.HexFormat.of().formatHex(digest("SHA-256", java.nio.file.Files.readAllBytes(file)));
        Answer created = draft.create(file, 0, MIB, false, "Upload-Length", Long.toString(SIZE),
                "Repr-Digest", "sha-256=:" + b64(java.util.HexFormat.of().parseHex(sha256)) + ":",
                "Content-Digest", "sha-256=:" + b64(digest("SHA-256", first)) + ":");
        assertEquals(201, created.status(), created.body());
        URI upload = draft.url(created);
        assertEquals(Long.toString(SIZE), draft.head(upload).header("Upload-Length"));

        Answer badDigest = draft.append(upload, file, MIB, 2 * MIB, false,
                "Content-Digest", "sha-256=:" + b64(digest("SHA-256", first)) + ":");
        assertEquals(400, badDigest.status(), badDigest.body());
        assertEquals(Long.toString(MIB), draft.head(upload).header("Upload-Offset"), "nothing of it was kept");
        Answer otherLength = draft.append(upload, file, MIB, 2 * MIB, true);
        assertEquals(400, otherLength.status(), otherLength.body());
        assertEquals("https://iana.org/assignments/http-problem-types#inconsistent-upload-length",
                otherLength.json().getString("type"));

        Answer last = draft.append(upload, file, MIB, SIZE, true);
        assertEquals(200, last.status(), last.body());
        assertEquals("?1", last.header("Upload-Complete"));
        if (last.header("Repr-Digest") != null) {
            assertEquals("sha-256=:" + b64(java.util.HexFormat.of().parseHex(sha256)) + ":", last.header("Repr-Digest"));
        }
        Answer again = draft.append(upload, file, SIZE, SIZE, true);
        assertEquals(200, again.status(), "an empty completing append on a complete upload: " + again.body());

        URI cancelled = draft.url(draft.create(file, 0, MIB, false));
        assertEquals(204, draft.send("DELETE", cancelled).status());
        assertEquals(404, draft.head(cancelled).status());

        Answer tooLarge = draft.create(file, 0, 0, false, "Upload-Length", Long.toString((1L << 40) + 1));
        assertEquals(413, tooLarge.status(), tooLarge.body());
        assertEquals("max-size=1099511627776", tooLarge.header("Upload-Limit"));

        Answer unknown = new IetfDraftCalls(server.base(), "3").create(file, 0, 10, false);
        assertEquals(400, unknown.status(), unknown.body());
        assertEquals("draft.interop-version-unsupported", unknown.json().getString("code"));
    }

    // --- PATCH ---------------------------------------------------------------------------------

    @Test
    void patchesShorterThanABlock_andAcrossBlocks_advanceTheOffsetByteByByte_toAByteExactFile(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        URI upload = tus.url(tus.create(SIZE, "filename " + b64("tus.bin")));
        long[] ends = {1, 100_000, 3 * MIB + 5, BLOCK - 1, BLOCK, BLOCK + 7, 2 * BLOCK + 3 * MIB, SIZE};
        long at = 0;
        for (long end : ends) {
            Answer patch = tus.patch(upload, file, at, end);
            assertEquals(204, patch.status(), patch.body());
            assertEquals(Long.toString(end), patch.header("Upload-Offset"));
            assertEquals(end, tus.offset(upload));
            at = end;
        }
        assertDownloadsByteExact(tus, upload, file, server);
    }

    @Test
    void aPatchAtTheWrongOffset_is409_andChangesNothing(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        URI upload = tus.url(tus.create(SIZE, null));
        assertEquals(204, tus.patch(upload, file, 0, 1000).status());
        Answer behind = tus.patch(upload, file, 0, 2000);
        assertEquals(409, behind.status(), behind.body());
        assertEquals("upload.offset-conflict", behind.json().getString("code"));
        assertEquals(1000, behind.json().getJsonNumber("upload_offset").longValue());
        Answer ahead = tus.patch(upload, file, 5000, 6000);
        assertEquals(409, ahead.status(), ahead.body());
        assertEquals(1000, tus.offset(upload));
        assertEquals(0, JsonStatus.of(new UploadClient(server.base()).status(idOf(upload))).receivedBytes());
    }

    @Test
    void aPatchRefusesAWrongContentType_anUnknownUpload_andAWrongToken(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        URI upload = tus.url(tus.create(SIZE, null));
        Answer type = tus.send("PATCH", upload, BodyPublishers.ofByteArray(new byte[10]), "Tus-Resumable", "1.0.0",
                "Upload-Offset", "0", "Content-Type", "application/octet-stream");
        assertEquals(415, type.status(), type.body());
        assertEquals(0, tus.offset(upload));

        String path = upload.getPath();
        URI wrongToken = upload.resolve(path.substring(0, path.indexOf('.') + 1) + "A".repeat(43));
        assertEquals(404, tus.patchBytes(wrongToken, 0, new byte[10]).status());
        assertEquals(404, tus.head(wrongToken).status());
        URI unknown = tus.creation().resolve("00000000-0000-4000-8000-000000000000." + "A".repeat(43));
        assertEquals(404, tus.head(unknown).status());
        assertEquals(404, tus.head(tus.creation().resolve("nonsense")).status());
        assertEquals(0, tus.offset(upload));
    }

    @Test
    void aPatchPastTheLength_is413(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        URI upload = tus.url(tus.create(10, null));
        Answer over = tus.patchBytes(upload, 0, new byte[11]);
        assertEquals(413, over.status(), over.body());
        assertEquals(0, tus.offset(upload));
    }

    @Test
    void aSecondPatchWhileOneStreams_is409_andChangesNothing(ServerProcess server) throws Exception {
        TusCalls tus = new TusCalls(server.base());
        URI upload = tus.url(tus.create(SIZE, null));
        long length = BLOCK + 2 * MIB;
        try (RawHttp first = new RawHttp(server.base())) {
            first.head("PATCH " + upload.getRawPath() + " HTTP/1.1", "Tus-Resumable: 1.0.0", "Upload-Offset: 0",
                    "Content-Type: " + TusCalls.OCTETS, "Content-Length: " + length);
            // Block 0 and 1 MiB more: Liberty's HTTP channel hands a body over in buffers it fills from the socket, so
            // the last bytes of block 0 reach the server's code only with some bytes after them.
            first.send(slice(0, (int) (BLOCK + MIB)));
            // Block 0 is recorded while the first PATCH streams: from then on it waits for the rest of its body.
            awaitOffset(tus, upload, BLOCK);
            // A probe at the right offset whose checksum is wrong: if it were let in, it would be 460, never a change.
            Answer second = tus.patchBytes(upload, BLOCK, slice((int) BLOCK, (int) BLOCK + 10),
                    "Upload-Checksum", "sha1 " + b64(digest("SHA-1", new byte[3])));
            assertEquals(409, second.status(), second.body());
            assertEquals(BLOCK, tus.offset(upload), "the refused PATCH changed nothing");
            first.send(slice((int) (BLOCK + MIB), (int) length));
            assertEquals(204, first.answer().status());
        }
        assertEquals(length, tus.offset(upload));
    }

    // --- a cut-off PATCH and a crash -----------------------------------------------------------

    @Test
    void aPatchOf64MiBCutAfter40MiB_keepsItsWholeBlocks_andTheUploadFinishesByteExact(ServerProcess server) throws Exception {
        TusCalls tus = new TusCalls(server.base());
        URI upload = tus.url(tus.create(BIG, null));
        try (RawHttp raw = new RawHttp(server.base())) {
            raw.head("PATCH " + upload.getRawPath() + " HTTP/1.1", "Tus-Resumable: 1.0.0", "Upload-Offset: 0",
                    "Content-Type: " + TusCalls.OCTETS, "Content-Length: " + BIG);
            try (InputStream in = Files.newInputStream(big)) {
                byte[] buffer = new byte[1 << 20];
                for (long sent = 0; sent < CUT; sent += buffer.length) {
                    raw.send(in.readNBytes(buffer.length));
                }
            }
            raw.shutdownOutput();
            Answer cut = raw.answer();
            assertEquals(400, cut.status(), cut.body());
        }
        long offset = tus.offset(upload);
        assertTrue(offset >= CUT - BLOCK && offset <= CUT, "offset after the cut " + offset);
        finishAndCheck(tus, upload, offset, big);
    }

    @Test
    void acknowledgedShortPatches_surviveKillMinus9(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        URI upload = tus.url(tus.create(SIZE, "filename " + b64("killed.bin")));
        long[] ends = {7, 2 * MIB + 1, BLOCK + 3};
        long at = 0;
        for (long end : ends) {
            assertEquals(204, tus.patch(upload, file, at, end).status());
            at = end;
        }
        server.kill();
        server.startAgain();
        tus = new TusCalls(server.base());
        URI again = tus.creation().resolve(upload.getRawPath().substring("/api/tus/".length()));
        assertEquals(BLOCK + 3, tus.offset(again), "the last acknowledged offset");
        assertEquals("filename " + b64("killed.bin"), tus.head(again).header("Upload-Metadata"));
        finishAndCheck(tus, again, BLOCK + 3, file);
    }

    // --- checksums -----------------------------------------------------------------------------

    @Test
    void aChecksumMismatch_is460_andKeepsNothing_aMatchIsKept_andAnUnknownAlgorithmIs400(ServerProcess server) throws Exception {
        TusCalls tus = new TusCalls(server.base());
        URI upload = tus.url(tus.create(SIZE, null));
        byte[] body = slice(0, (int) (BLOCK + 100));
        Answer wrong = tus.patchBytes(upload, 0, body, "Upload-Checksum", "sha1 " + b64(digest("SHA-1", new byte[3])));
        assertEquals(460, wrong.status(), wrong.body());
        assertEquals("upload.checksum-mismatch", wrong.json().getString("code"));
        assertEquals(0, tus.offset(upload));
        assertEquals(0, JsonStatus.of(new UploadClient(server.base()).status(idOf(upload))).receivedBytes());

        Answer unknown = tus.patchBytes(upload, 0, body, "Upload-Checksum", "crc32 AAAAAA==");
        assertEquals(400, unknown.status(), unknown.body());
        assertEquals("tus.checksum-algorithm-unsupported", unknown.json().getString("code"));

        for (String algorithm : List.of("md5", "sha256")) {
            long at = tus.offset(upload);
            byte[] part = slice((int) at, (int) at + 1000);
            String java = algorithm.equals("md5") ? "MD5" : "SHA-256";
            Answer right = tus.patchBytes(upload, at, part, "Upload-Checksum", algorithm + " " + b64(digest(java, part)));
            assertEquals(204, right.status(), right.body());
            assertEquals(Long.toString(at + 1000), right.header("Upload-Offset"));
        }
        assertEquals(2000, tus.offset(upload));
    }

    @Test
    void aChecksumInTheTrailerOfAChunkedPatch_isChecked(ServerProcess server) throws Exception {
        TusCalls tus = new TusCalls(server.base());
        URI upload = tus.url(tus.create(SIZE, null));
        byte[] body = slice(0, (int) BLOCK);
        Answer wrong = chunkedWithTrailer(server, upload, body, "sha256 " + b64(digest("SHA-256", new byte[1])));
        assertEquals(460, wrong.status(), wrong.body());
        assertEquals(0, tus.offset(upload));
        Answer right = chunkedWithTrailer(server, upload, body, "sha256 " + b64(digest("SHA-256", body)));
        assertEquals(204, right.status(), right.body());
        assertEquals(BLOCK, tus.offset(upload));
    }

    // --- termination, method override, download, native API -----------------------------------

    @Test
    void termination_is204_andTheUploadIsGone(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        URI upload = tus.url(tus.create(SIZE, null));
        assertEquals(204, tus.patch(upload, file, 0, 1000).status());
        Answer deleted = tus.send("DELETE", upload, BodyPublishers.noBody(), "Tus-Resumable", "1.0.0");
        assertEquals(204, deleted.status(), deleted.body());
        assertEquals(404, tus.head(upload).status());
        assertEquals(404, tus.patch(upload, file, 1000, 2000).status());
    }

    @Test
    void xHttpMethodOverride_turnsAPostIntoAPatchOrADelete(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        URI upload = tus.url(tus.create(SIZE, null));
        Answer patch = tus.send("POST", upload, BodyPublishers.ofByteArray(slice(0, 500)), "X-HTTP-Method-Override", "PATCH",
                "Tus-Resumable", "1.0.0", "Upload-Offset", "0", "Content-Type", TusCalls.OCTETS);
        assertEquals(204, patch.status(), patch.body());
        assertEquals(500, tus.offset(upload));
        Answer delete = tus.send("POST", upload, BodyPublishers.noBody(), "X-HTTP-Method-Override", "DELETE",
                "Tus-Resumable", "1.0.0");
        assertEquals(204, delete.status(), delete.body());
        assertEquals(404, tus.head(upload).status());
    }

    @Test
    void aCompletedUpload_downloadsByRange_andTheNativeApiSeesItWithTheSameToken(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        URI upload = tus.url(tus.create(SIZE, "filename " + b64("native.bin")));
        assertEquals(204, tus.patch(upload, file, 0, SIZE).status());
        UploadClient.Download range = tus.download(upload, "bytes=1000-1999");
        assertEquals(206, range.status());
        assertEquals(TestFiles.sha256(file, 1000, 1000), range.sha256());

        UploadClient client = new UploadClient(server.base());
        Answer status = client.status(idOf(upload));
        assertTrue(status.json().getBoolean("completed"), status.body());
        String token = upload.getPath().substring(upload.getPath().indexOf('.') + 1);
        Answer unauthorised = tus.send("DELETE", server.base().resolve("/api/upload/" + idOf(upload)), BodyPublishers.noBody());
        assertEquals(404, unauthorised.status(), "the native API still wants the token: " + unauthorised.body());
        Answer native_ = tus.send("DELETE", server.base().resolve("/api/upload/" + idOf(upload)), BodyPublishers.noBody(),
                "Upload-Token", token);
        assertEquals(200, native_.status(), native_.body());
        assertEquals(404, tus.head(upload).status());
    }

    // --- concatenation -------------------------------------------------------------------------

    @Test
    void concatenation_ofTwoPartialUploads_isAFinalUploadOfTheirBytes_withTheStatusCodesOfTheProtocol(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        long split = 12 * MIB + 5;
        Answer createdA = tus.create(split, null, "Upload-Concat", "partial");
        assertEquals(201, createdA.status(), createdA.body());
        URI a = tus.url(createdA);
        URI b = tus.url(tus.create(SIZE - split, null, "Upload-Concat", "partial"));
        assertEquals("partial", tus.head(a).header("Upload-Concat"));
        assertEquals(204, tus.patch(a, file, 0, split / 2).status());

        Answer unfinished = finalOf(tus, a + " " + b.getRawPath());
        assertEquals(400, unfinished.status(), "a final naming an unfinished partial: " + unfinished.body());
        assertEquals("upload.not-concatenable", unfinished.json().getString("code"));

        assertEquals(204, tus.patch(a, file, split / 2, split).status());
        Answer restOfB = tus.send("PATCH", b, BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(
                        UploadClient.slice(file, split, SIZE - split)), SIZE - split), "Tus-Resumable", "1.0.0",
                "Upload-Offset", "0", "Content-Type", TusCalls.OCTETS);
        assertEquals(204, restOfB.status(), restOfB.body());
        assertEquals(403, tus.download(a, null).status(), "a partial upload is not a file of its own");

        String wrongToken = b.getRawPath().substring(0, b.getRawPath().indexOf('.') + 1) + "A".repeat(43);
        assertEquals(404, finalOf(tus, a + " " + wrongToken).status(), "a partial URL without its token");
        assertEquals(404, finalOf(tus, a + " /api/tus/" + java.util.UUID.randomUUID()).status(), "an unknown upload");
        URI plain = tus.url(tus.create(0, null));
        assertEquals(400, finalOf(tus, a + " " + plain.getRawPath()).status(), "an upload that is not partial");
        assertEquals(400, finalOf(tus, "/elsewhere/x").status(), "a URL that is not an upload URL");
        assertEquals(400, finalOf(tus, a + " " + b.getRawPath(), "Upload-Length", Long.toString(SIZE)).status(),
                "a final carries no Upload-Length");

        Answer created = finalOf(tus, a + " " + b.getRawPath(), "Upload-Metadata", "filename " + b64("whole.bin"));
        assertEquals(201, created.status(), created.body());
        URI whole = tus.url(created);
        Answer head = tus.head(whole);
        assertEquals(200, head.status());
        assertEquals("final;" + a.getRawPath().replaceAll("\\..*", "") + " " + b.getRawPath().replaceAll("\\..*", ""),
                head.header("Upload-Concat"), "the parts' URLs without their tokens");
        assertEquals(Long.toString(SIZE), head.header("Upload-Length"));
        assertEquals(Long.toString(SIZE), head.header("Upload-Offset"));
        assertDownloadsByteExact(tus, whole, file, server);
        UploadClient.Download range = tus.download(whole, "bytes=" + (split - 10) + "-" + (split + 9));
        assertEquals(206, range.status());
        assertEquals(TestFiles.sha256(file, split - 10, 20), range.sha256(), "a range across the two parts");

        Answer patch = tus.patchBytes(whole, SIZE, new byte[1]);
        assertEquals(403, patch.status(), "PATCH on a final upload: " + patch.body());
        Answer again = finalOf(tus, a.getRawPath() + " " + b);
        assertEquals(201, again.status(), "the same final asked again: " + again.body());
        assertEquals(whole, tus.url(again));
        URI c = tus.url(tus.create(1, null, "Upload-Concat", "partial"));
        assertEquals(204, tus.patchBytes(c, 0, new byte[1]).status());
        assertEquals(409, finalOf(tus, b + " " + c).status(), "a partial upload in one final only");
        assertEquals(403, tus.send("DELETE", a, BodyPublishers.noBody(), "Tus-Resumable", "1.0.0").status(),
                "a part of a final is not deleted on its own");

        assertEquals(204, tus.send("DELETE", whole, BodyPublishers.noBody(), "Tus-Resumable", "1.0.0").status());
        assertEquals(404, tus.head(whole).status());
        assertEquals(404, tus.head(a).status(), "the parts went with the final");
        assertEquals(404, tus.head(b).status(), "the parts went with the final");
    }

    // --- CORS ----------------------------------------------------------------------------------

    @Test
    void cors_allowsTheHeadersTusClientsSend_andExposesThoseTheyRead(ServerProcess server) {
        TusCalls tus = new TusCalls(server.base());
        Answer preflight = tus.send("OPTIONS", tus.creation(), BodyPublishers.noBody(), "Origin", ORIGIN,
                "Access-Control-Request-Method", "PATCH",
                "Access-Control-Request-Headers", "tus-resumable,upload-offset,upload-checksum,content-type");
        assertEquals(ORIGIN, preflight.header("Access-Control-Allow-Origin"), preflight.headers().toString());
        String allowed = preflight.header("Access-Control-Allow-Headers").toLowerCase(java.util.Locale.ROOT);
        for (String header : List.of("tus-resumable", "upload-offset", "upload-checksum", "content-type")) {
            assertTrue(allowed.contains(header), allowed);
        }
        Answer created = tus.create(10, null, "Origin", ORIGIN);
        assertEquals(201, created.status());
        String exposed = created.header("Access-Control-Expose-Headers");
        assertNotNull(exposed, created.headers().toString());
        for (String header : List.of("Location", "Upload-Offset", "Upload-Length", "Upload-Metadata", "Upload-Expires",
                "Tus-Resumable")) {
            assertTrue(exposed.contains(header), exposed);
        }
        Answer foreign = tus.create(10, null, "Origin", "https://elsewhere.example");
        assertNull(foreign.header("Access-Control-Allow-Origin"));
    }

    // --- helpers -------------------------------------------------------------------------------

    private static Answer finalOf(TusCalls tus, String urls, String... more) {
        List<String> headers = new java.util.ArrayList<>(List.of("Tus-Resumable", "1.0.0", "Upload-Concat", "final;" + urls));
        headers.addAll(List.of(more));
        return tus.send("POST", tus.creation(), BodyPublishers.noBody(), headers.toArray(String[]::new));
    }

    private static void finishAndCheck(TusCalls tus, URI upload, long from, Path source) {
        long size = TestFiles.fileSize(source);
        Answer rest = tus.patch(upload, source, from, size);
        assertEquals(204, rest.status(), rest.body());
        assertEquals(Long.toString(size), rest.header("Upload-Offset"));
        UploadClient.Download download = tus.download(upload, null);
        assertEquals(200, download.status());
        assertEquals(size, download.length());
        assertEquals(TestFiles.sha256(source), download.sha256());
    }

    private static void assertDownloadsByteExact(TusCalls tus, URI upload, Path source, ServerProcess server) {
        UploadClient.Download download = tus.download(upload, null);
        assertEquals(200, download.status());
        assertEquals(TestFiles.sha256(source), download.sha256());
        UploadClient.Download native_ = new UploadClient(server.base()).download(idOf(upload), null);
        assertEquals(TestFiles.sha256(source), native_.sha256());
    }

    /** Waits, by HEAD, until the upload's offset is {@code offset} (a condition, not a guess at timing). */
    private static void awaitOffset(TusCalls tus, URI upload, long offset) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (tus.offset(upload) != offset) {
            assertTrue(Instant.now().isBefore(deadline), "the offset never reached " + offset);
            Thread.sleep(20);
        }
    }

    private static Answer chunkedWithTrailer(ServerProcess server, URI upload, byte[] body, String checksum) {
        try (RawHttp raw = new RawHttp(server.base())) {
            raw.head("PATCH " + upload.getRawPath() + " HTTP/1.1", "Tus-Resumable: 1.0.0", "Upload-Offset: 0",
                    "Content-Type: " + TusCalls.OCTETS, "Transfer-Encoding: chunked", "Trailer: Upload-Checksum");
            for (int at = 0; at < body.length; at += 1 << 20) {
                raw.sendChunk(Arrays.copyOfRange(body, at, Math.min(body.length, at + (1 << 20))));
            }
            raw.send(("0\r\nUpload-Checksum: " + checksum + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return raw.answer();
        }
    }

    private static String idOf(URI upload) {
        String segment = upload.getPath().substring("/api/tus/".length());
        return segment.contains(".") ? segment.substring(0, segment.indexOf('.')) : segment;
    }

    private static byte[] slice(int from, int to) {
        try (InputStream in = UploadClient.slice(file, from, to - from).get()) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] digest(String algorithm, byte[] bytes) throws Exception {
        return MessageDigest.getInstance(algorithm).digest(bytes);
    }

    private static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The native status of an upload, read as JSON. */
    private record JsonStatus(Answer answer) {
        static JsonStatus of(Answer answer) {
            assertEquals(200, answer.status(), answer.body());
            return new JsonStatus(answer);
        }

        long receivedBytes() {
            return answer.json().getJsonNumber("received_bytes").longValue();
        }
    }
}
