package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload page in headless Chromium on a slow link (a {@link TcpProxy} between the browser and the
 * server, 4 MiB/s, counting every byte the browser sends): paused, reloaded, cut off or with its server
 * killed mid-upload, it asks the server what it holds and goes on inside each partly received chunk, so
 * that it sends the file once plus at most one block per request in flight (and the request lines and
 * headers); the file completes byte-exact, and the progress never shows less than the server holds.
 */
@Server(env = {"CHUNK_SIZE=8388608", "BLOCK_SIZE=1048576"})
class UploadPageResumeIT {

    private static final long MIB = 1024 * 1024;
    private static final long BLOCK = MIB;
    private static final long FILE_SIZE = 40 * MIB + 12_345; // five chunks of eight blocks, and one of one short block
    /** Requests the page has in flight for one file: the server's MAX_CONCURRENT_CHUNKS (3 by default). */
    private static final int IN_FLIGHT = 3;
    /** Room for the request lines and headers of every request the page makes (some 50 of them, under 1 KiB each). */
    private static final long HEADERS = 64 * 1024;
    private static final long LINK_BYTES_PER_SECOND = 4 * MIB;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

    static ServerProcess server;
    static UploadClient client;
    /** The browser's only way to the server. */
    static TcpProxy link;

    @TempDir
    Path work;
    Browser browser;
    UploadPage page;

    @BeforeAll
    static void openTheLink(ServerProcess started, UploadClient direct) {
        server = started;
        client = direct;
        link = new TcpProxy("127.0.0.1", started.base().getPort()).limitedTo(LINK_BYTES_PER_SECOND);
    }

    @AfterAll
    static void closeTheLink() {
        if (link != null) {
            link.close();
        }
    }

    @BeforeEach
    void openPage() {
        link.resetCount();
        browser = Browser.start(work);
        page = new UploadPage(browser);
        browser.driver().get("http://127.0.0.1:" + link.port() + "/");
        page.recordRequests();
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void pausedAt70Percent_resumesInsideItsChunks_sendingTheFileOnceAndAtMostABlockAgainPerRequest_neverShowingLessThanTheServerHolds() {
        Path file = TestFiles.random(work, "resume-pause.bin", FILE_SIZE, 81);
        page.select(file);
        String id = page.awaitUploadId(file);
        page.await(() -> durableBytes(id) >= FILE_SIZE * 7 / 10, Duration.ofSeconds(60), "70 % of the file durable on the server");

        page.click(file, "pause");
        long heldAtPause = durableBytes(id);
        page.awaitState(file, "paused", Duration.ofSeconds(10));
        List<String> shownLess = new ArrayList<>();
        page.await(() -> {
            long held = durableBytes(id);
            long shown = page.progressBytes(file);
            if (shown < held) {
                shownLess.add("shown " + shown + " < held " + held);
            }
            return page.message(file).startsWith("Paused. The server holds");
        }, Duration.ofSeconds(30), "the paused page saying what the server holds");
        long heldWhilePaused = durableBytes(id);
        System.out.printf("paused with %d bytes durable; %d once the bytes on the way had arrived; the page shows %d%n",
                heldAtPause, heldWhilePaused, page.progressBytes(file));
        assertEquals(List.of(), shownLess, "while paused, the progress showed less than the server held");
        assertTrue(page.progressBytes(file) >= heldWhilePaused, page.progressBytes(file) + " shown, " + heldWhilePaused + " held");
        assertTrue(heldWhilePaused < FILE_SIZE, "the upload finished before it could be paused");
        browser.screenshot(Path.of("target", "screenshots", "upload-page-paused-inside-chunks.png"));

        page.click(file, "resume");
        List<String> droppedBelowHeld = new ArrayList<>();
        page.await(() -> {
            long shown = page.progressBytes(file);
            if (shown < heldWhilePaused) {
                droppedBelowHeld.add("shown " + shown + " < held " + heldWhilePaused);
            }
            return page.state(file).equals("completed");
        }, Duration.ofMinutes(2), file.getFileName() + " completed");

        assertEquals(List.of(), droppedBelowHeld, "after resume, the progress dropped below what the server held");
        assertContinuedInsideAChunk();
        assertSentOnceAndAtMostABlockAgainPerRequest(file);
        assertDownloadedExactly(file, id);
    }

    @Test
    void serverKilledMidUpload_thePageGoesOnInsideItsChunksOnceItIsBack_sendingTheFileOnceAndAtMostABlockAgainPerRequest() {
        Path file = TestFiles.random(work, "resume-kill.bin", FILE_SIZE, 82);
        page.select(file);
        String id = page.awaitUploadId(file);
        page.await(() -> durableBytes(id) >= FILE_SIZE * 4 / 10, Duration.ofSeconds(60), "40 % of the file durable on the server");
        long heldBeforeKill = durableBytes(id);
        server.kill();
        server.startAgain();

        List<String> droppedBelowHeld = new ArrayList<>();
        page.await(() -> {
            long shown = page.progressBytes(file);
            if (shown < heldBeforeKill) {
                droppedBelowHeld.add("shown " + shown + " < held " + heldBeforeKill);
            }
            return page.state(file).equals("completed");
        }, Duration.ofMinutes(3), file.getFileName() + " completed");

        assertEquals(List.of(), droppedBelowHeld, "the progress dropped below what the server held before it was killed");
        assertContinuedInsideAChunk();
        assertSentOnceAndAtMostABlockAgainPerRequest(file);
        assertDownloadedExactly(file, id);
    }

    @Test
    void connectionLostMidUpload_thePageGoesOnInsideItsChunksWhenItIsBack_sendingTheFileOnceAndAtMostABlockAgainPerRequest() {
        Path file = TestFiles.random(work, "resume-cut.bin", FILE_SIZE, 83);
        page.select(file);
        String id = page.awaitUploadId(file);
        page.await(() -> durableBytes(id) >= FILE_SIZE / 2, Duration.ofSeconds(60), "half of the file durable on the server");
        link.cut();
        page.awaitState(file, "retrying", Duration.ofSeconds(30));
        link.restore();

        page.awaitState(file, "completed", Duration.ofMinutes(2));
        assertContinuedInsideAChunk();
        assertSentOnceAndAtMostABlockAgainPerRequest(file);
        assertDownloadedExactly(file, id);
    }

    @Test
    void reloadedMidUpload_reselectingTheFileGoesOnInsideItsChunks_sendingTheFileOnceAndAtMostABlockAgainPerRequest() {
        Path file = TestFiles.random(work, "resume-reload.bin", FILE_SIZE, 84);
        page.select(file);
        String id = page.awaitUploadId(file);
        // Early, so that the three chunks in flight stay partly received: the bytes the browser had already handed
        // to its sockets (up to 4 MiB a connection here) still arrive after the page is gone.
        page.await(() -> durableBytes(id) >= FILE_SIZE / 10, Duration.ofSeconds(60), "a tenth of the file durable on the server");

        browser.driver().navigate().refresh();
        page.recordRequests();
        page.select(file);
        page.awaitState(file, "completed", Duration.ofMinutes(2));

        assertContinuedInsideAChunk();
        assertSentOnceAndAtMostABlockAgainPerRequest(file);
        assertDownloadedExactly(file, id);
    }

    /** The durable bytes of the upload, as the server answers them (directly, not through the link). */
    private static long durableBytes(String id) {
        UploadClient.Answer status = client.status(id);
        assertEquals(200, status.status(), status.toString());
        return status.json().getJsonNumber("received_bytes").longValueExact();
    }

    /** At least one PUT (since the page was last loaded) went on inside a chunk, from a whole block past its start. */
    private void assertContinuedInsideAChunk() {
        List<String> ranges = new ArrayList<>();
        List<String> puts = new ArrayList<>();
        for (JsonObject request : page.recordedRequests().getValuesAs(JsonObject.class)) {
            String range = request.getJsonObject("headers").getString("content-range", null);
            if (request.getString("method").equals("PUT")) {
                puts.add(request.getString("url").replaceAll(".*/chunks/", "chunk ") + (range == null ? "" : " " + range));
            }
            if (request.getString("method").equals("PUT") && range != null) {
                ranges.add(range);
                Matcher m = CONTENT_RANGE.matcher(range);
                assertTrue(m.matches(), range);
                assertEquals(0, Long.parseLong(m.group(1)) % BLOCK, "a start inside a block: " + range);
            }
        }
        assertTrue(!ranges.isEmpty() && ranges.stream().allMatch(r -> !r.startsWith("bytes 0-")),
                "PUTs with a Content-Range from a block past the chunk's start, among " + puts);
    }

    private static void assertSentOnceAndAtMostABlockAgainPerRequest(Path file) {
        long sent = link.upstreamBytes();
        long allowed = FILE_SIZE + IN_FLIGHT * BLOCK + HEADERS;
        System.out.printf("%s: the browser sent %d bytes for a %d-byte file (%.4f x; %d over, %d allowed over)%n",
                file.getFileName(), sent, FILE_SIZE, (double) sent / FILE_SIZE, sent - FILE_SIZE, allowed - FILE_SIZE);
        assertTrue(sent <= allowed, String.format("the browser sent %d bytes for a %d-byte file (%.3f x), at most %d allowed",
                sent, FILE_SIZE, (double) sent / FILE_SIZE, allowed));
        assertTrue(sent >= FILE_SIZE, "the browser sent " + sent + " bytes, less than the file's " + FILE_SIZE);
    }

    private static void assertDownloadedExactly(Path file, String id) {
        UploadClient.Download download = client.download(id, null);
        assertEquals(200, download.status());
        assertEquals(TestFiles.sha256(file), download.sha256());
    }
}
