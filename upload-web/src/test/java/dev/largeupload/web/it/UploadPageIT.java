package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Download;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The upload page in real headless Chromium against the real server: uploads byte-exact, resumes
 * by itself after the server restarts, sends only the missing chunks after a reload, pauses and
 * resumes, and takes two files at once. The page and its files come with a strict
 * Content-Security-Policy and frame protection, the browser enforces them, and an upload under
 * them logs no error. Uploads are throttled in the browser so that the test can act while one is
 * under way; every wait is for a condition, never a fixed time. Chunks are four blocks of 1 MiB; how
 * the page goes on inside a chunk is {@link UploadPageResumeIT}'s subject.
 */
@Server(env = {"CHUNK_SIZE=4194304", "BLOCK_SIZE=1048576"})
class UploadPageIT {

    private static final long MIB = 1024 * 1024;
    /** The page's own files: the HTML, its style sheet, each ES module and the icons. */
    private static final List<String> PAGE_FILES = List.of("/", "/index.html", "/app.css", "/js/main.js", "/js/upload.js",
            "/js/chunks.js", "/js/progress.js", "/js/transport.js", "/js/api.js", "/js/digest.js", "/js/direct.js", "/js/md5.js",
            "/js/vendor/spark-md5.min.js", "/js/memory.js", "/js/view.js", "/js/format.js", "/js/dashboard.js", "/favicon.svg",
            "/favicon.ico");
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Pattern CHUNK_PUT = Pattern.compile("\"PUT /api/upload/([0-9a-f-]{36})/chunks/(\\d+) HTTP/1\\.1\" (\\d{3})");

    private static final long BLOCK = MIB;

    /** One server for the class (a start costs CI time); each test has its own browser and files. */
    static ServerProcess server;
    static UploadClient client;

    @TempDir
    Path work;
    Browser browser;
    UploadPage page;

    @BeforeAll
    static void server(ServerProcess started, UploadClient direct) {
        server = started;
        client = direct;
    }

    @BeforeEach
    void openPage() {
        browser = Browser.start(work);
        page = new UploadPage(browser);
        browser.driver().get(server.base() + "/");
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void a64MiBFile_uploadsIn4MiBChunks_andDownloadsByteExact() {
        Path file = TestFiles.random(work, "page-64.bin", 64 * MIB, 61);
        browser.throttleUploads(24 * (int) MIB);

        page.select(file);
        String id = page.awaitUploadId(file);
        page.await(() -> receivedChunks(id) >= 4, Duration.ofSeconds(60), "four chunks received");
        browser.screenshot(Path.of("target", "screenshots", "upload-page-mid-upload.png"));
        page.awaitState(file, "completed", Duration.ofMinutes(2));

        assertDownloadedExactly(file, id);
        String href = page.item(file).findElement(By.cssSelector("a.download")).getAttribute("href");
        assertTrue(href.endsWith("/api/files/" + id), href);
    }

    @Test
    void serverStoppedMidUpload_thePageResumesByItselfAndCompletesByteExact() {
        Path file = TestFiles.random(work, "page-restart.bin", 64 * MIB, 62);
        browser.throttleUploads(8 * (int) MIB);

        page.select(file);
        String id = page.awaitUploadId(file);
        page.await(() -> receivedChunks(id) >= 3, Duration.ofSeconds(60), "three chunks received");
        server.stop();
        server.startAgain();

        page.awaitState(file, "completed", Duration.ofMinutes(3));
        assertDownloadedExactly(file, id);
    }

    @Test
    void reloadedMidUpload_reselectingTheFileSendsOnlyTheMissingChunks() {
        Path file = TestFiles.random(work, "page-reload.bin", 64 * MIB, 63);
        browser.throttleUploads(8 * (int) MIB);
        page.select(file);
        String id = page.awaitUploadId(file);
        page.await(() -> receivedChunks(id) >= 4, Duration.ofSeconds(60), "four chunks received");

        browser.driver().navigate().refresh();
        String listed = "li.dashboard-item[data-name='" + file.getFileName() + "'] .detail";
        page.await(() -> browser.driver().findElements(By.cssSelector(listed)).stream()
                .anyMatch(detail -> detail.getText().matches(".*\\d+\\.\\d % on the server.*")), Duration.ofSeconds(30),
                "the unfinished upload listed in My uploads with how much of it the server has");
        page.select(file);
        page.await(() -> browser.driver().findElements(By.cssSelector(listed)).isEmpty(), Duration.ofSeconds(10),
                "the file leaving My uploads for the queue once selected again");
        page.awaitState(file, "completed", Duration.ofMinutes(3));

        assertDownloadedExactly(file, id);
        page.await(() -> acceptedPutsPerChunk(id).size() == 16, Duration.ofSeconds(30), "the access log showing all 16 chunks");
        Map<Integer, Integer> accepted = acceptedPutsPerChunk(id);
        accepted.forEach((index, times) -> assertEquals(1, times, "chunk " + index + " was accepted " + times + " times"));
    }

    @Test
    void pauseThenResume_completesByteExact() {
        Path file = TestFiles.random(work, "page-pause.bin", 32 * MIB, 64);
        browser.throttleUploads(8 * (int) MIB);
        page.select(file);
        String id = page.awaitUploadId(file);
        page.await(() -> receivedChunks(id) >= 2, Duration.ofSeconds(60), "two chunks received");

        WebElement resumeAll = browser.driver().findElement(By.id("resume-all"));
        assertFalse(resumeAll.isDisplayed(), "Resume all is shown only when something waits to be resumed");
        page.item(file).findElement(By.cssSelector("button.pause")).click();
        page.awaitState(file, "paused", Duration.ofSeconds(30));
        assertTrue(receivedChunks(id) < 8, "the upload finished before it could be paused");
        page.await(resumeAll::isDisplayed, Duration.ofSeconds(5), "Resume all shown while an upload is paused");
        resumeAll.click();

        page.awaitState(file, "completed", Duration.ofMinutes(2));
        assertFalse(resumeAll.isDisplayed(), "Resume all is gone once nothing waits");
        String summary = page.message(file);
        assertTrue(summary.matches("Sent [0-9.]+ MB in [0-9]+ s \\([0-9.]+ MB/s on average\\)\\. Composite SHA-256 of its blocks [0-9a-f]{16}… verified by the server\\."),
                "the summary of a finished upload: " + summary);
        assertDownloadedExactly(file, id);
    }

    @Test
    void aFinishedUpload_staysInMyUploads_withItsDownload_copyLink_timeTaken_digest_andDelete() {
        Path file = TestFiles.random(work, "page-mine.bin", 6 * MIB + 5, 67);
        page.select(file);
        String id = page.awaitUploadId(file);
        page.awaitState(file, "completed", Duration.ofMinutes(1));
        page.click(file, "remove");

        String item = "li.dashboard-item[data-upload-id='" + id + "']";
        page.await(() -> !browser.driver().findElements(By.cssSelector(item + "[data-state='completed']")).isEmpty(),
                Duration.ofSeconds(10), "the finished upload in My uploads");
        browser.driver().navigate().refresh();
        page.await(() -> !browser.driver().findElements(By.cssSelector(item + "[data-state='completed']")).isEmpty(),
                Duration.ofSeconds(10), "the finished upload in My uploads after a reload");
        WebElement listed = browser.driver().findElement(By.cssSelector(item));
        String detail = listed.findElement(By.cssSelector(".detail")).getText();
        assertTrue(detail.matches("Completed · took [0-9]+ s · [0-9.]+ [KMG]?B/s on average · composite SHA-256 [0-9a-f]{16}… verified"),
                "time taken, average speed and the verified digest: " + detail);
        assertTrue(listed.findElement(By.cssSelector("a.download")).getAttribute("href").endsWith("/api/files/" + id));
        assertTrue(listed.findElement(By.cssSelector("button.copy-link")).isDisplayed());

        listed.findElement(By.cssSelector("button.forget")).click();
        page.await(() -> browser.driver().findElements(By.cssSelector(item)).isEmpty(), Duration.ofSeconds(10),
                "the deleted upload leaving My uploads");
        page.await(() -> client.status(id).status() == 404, Duration.ofSeconds(10), "the upload deleted on the server");
    }

    @Test
    void twoFilesAtOnce_bothCompleteByteExact() {
        Path first = TestFiles.random(work, "page-one.bin", 16 * MIB + 3, 65);
        Path second = TestFiles.random(work, "page-two.bin", 9 * MIB, 66);

        page.select(first, second);
        page.awaitState(first, "completed", Duration.ofMinutes(2));
        page.awaitState(second, "completed", Duration.ofMinutes(2));

        for (Path file : List.of(first, second)) {
            String href = page.item(file).findElement(By.cssSelector("a.download")).getAttribute("href");
            String id = href.substring(href.lastIndexOf('/') + 1);
            assertDownloadedExactly(file, id);
        }
    }

    @Test
    void aChunkOfOneBlockCarriesItsContentDigest_oneOfSeveralNone_andCompleteCarriesTheCompositeOverTheBlocks() throws Exception {
        long size = 8 * MIB + 333; // two chunks of four blocks, and one chunk of one short block
        Path file = TestFiles.random(work, "page-digests.bin", size, 67);
        page.recordRequests();

        page.select(file);
        page.awaitState(file, "completed", Duration.ofMinutes(2));

        JsonArray sent = page.recordedRequests();
        Map<Integer, JsonObject> headersPerChunk = new HashMap<>();
        String completeBody = null;
        for (JsonObject request : sent.getValuesAs(JsonObject.class)) {
            Matcher chunk = Pattern.compile("/chunks/(\\d+)$").matcher(request.getString("url"));
            if (request.getString("method").equals("PUT") && chunk.find()) {
                headersPerChunk.put(Integer.parseInt(chunk.group(1)), request.getJsonObject("headers"));
            } else if (request.getString("url").endsWith("/api/upload/complete")) {
                completeBody = request.getString("body");
            }
        }
        assertEquals(Set.of(0, 1, 2), headersPerChunk.keySet(), sent.toString());
        for (int i = 0; i < 2; i++) {
            assertNull(headersPerChunk.get(i).get("content-digest"), "chunk " + i + " of four blocks: " + headersPerChunk.get(i));
            assertNull(headersPerChunk.get(i).get("content-range"), "chunk " + i + " sent whole: " + headersPerChunk.get(i));
        }
        byte[] lastBlock = HexFormat.of().parseHex(TestFiles.sha256(file, 8 * MIB, 333));
        assertEquals("sha-256=:" + Base64.getEncoder().encodeToString(lastBlock) + ":",
                headersPerChunk.get(2).getString("content-digest", null), "the chunk of one block");

        MessageDigest composite = MessageDigest.getInstance("SHA-256");
        for (long offset = 0; offset < size; offset += BLOCK) {
            composite.update(HexFormat.of().parseHex(TestFiles.sha256(file, offset, Math.min(BLOCK, size - offset))));
        }
        JsonObject complete = Json.createReader(new StringReader(completeBody)).readObject();
        assertEquals(HexFormat.of().formatHex(composite.digest()), complete.getString("composite_sha256"));
    }

    @Test
    void aFileDroppedOnTheDropZone_uploadsByteExact() throws Exception {
        int size = (int) (4 * MIB + 5);
        JavascriptExecutor js = (JavascriptExecutor) browser.driver();
        js.executeScript("""
                const bytes = new Uint8Array(arguments[0]);
                for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) % 251;
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], 'page-dropped.bin', { type: 'application/octet-stream' }));
                const zone = document.getElementById('drop-zone');
                zone.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, cancelable: true }));
                window.highlighted = zone.classList.contains('dragover');
                zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
                """, size);
        assertEquals(Boolean.TRUE, js.executeScript("return window.highlighted;"), "the zone shows that it takes the file");
        Path dropped = work.resolve("page-dropped.bin");
        page.awaitState(dropped, "completed", Duration.ofMinutes(1));

        byte[] expected = new byte[size];
        for (int i = 0; i < size; i++) {
            expected[i] = (byte) ((i * 31L) % 251);
        }
        String href = page.item(dropped).findElement(By.cssSelector("a.download")).getAttribute("href");
        Download download = client.download(href.substring(href.lastIndexOf('/') + 1), null);
        assertEquals(200, download.status());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected)), download.sha256());
        assertTrue(browser.driver().findElements(By.cssSelector("#drop-zone.dragover")).isEmpty(), "the highlight is gone after the drop");
    }

    @Test
    void onAPhoneWidthPage_nothingOverflowsSideways_andAnUploadIsReadable() {
        browser.driver().manage().window().setSize(new org.openqa.selenium.Dimension(360, 740));
        Path file = TestFiles.random(work, "a-rather-long-file-name-for-a-narrow-phone-screen.bin", 3 * MIB, 71);
        page.select(file);
        page.awaitState(file, "completed", Duration.ofMinutes(1));

        JavascriptExecutor js = (JavascriptExecutor) browser.driver();
        long scrollWidth = ((Number) js.executeScript("return document.documentElement.scrollWidth;")).longValue();
        long viewport = ((Number) js.executeScript("return document.documentElement.clientWidth;")).longValue();
        assertTrue(scrollWidth <= viewport, "the page is " + scrollWidth + " px wide in a " + viewport + " px viewport");
        WebElement upload = page.item(file);
        assertTrue(upload.getRect().getX() >= 0 && upload.getRect().getX() + upload.getRect().getWidth() <= viewport,
                "the upload's row fits the screen: " + upload.getRect());
        assertTrue(upload.findElement(By.cssSelector("a.download")).isDisplayed());
        browser.screenshot(Path.of("target", "screenshots", "upload-page-phone-width.png"));
    }

    @Test
    void thePageAndEachOfItsFiles_comeWithAStrictCsp_frameProtection_noReferrer_andNosniff() {
        for (String path : PAGE_FILES) {
            HttpResponse<byte[]> answer = get(path);
            assertEquals(200, answer.statusCode(), path);
            assertEquals(CSP, header(answer, "Content-Security-Policy"), path);
            assertEquals("DENY", header(answer, "X-Frame-Options"), path);
            assertEquals("no-referrer", header(answer, "Referrer-Policy"), path);
            assertEquals("nosniff", header(answer, "X-Content-Type-Options"), path);
        }
        assertTrue(header(get("/js/main.js"), "Content-Type").contains("javascript"), "modules need a JavaScript type under nosniff");
    }

    @Test
    void underItsContentSecurityPolicy_thePageUploadsWithoutAConsoleErrorOrViolation() {
        Path file = TestFiles.random(work, "page-csp.bin", 5 * MIB + 7, 72);
        page.select(file);
        page.awaitState(file, "completed", Duration.ofMinutes(1));

        String href = page.item(file).findElement(By.cssSelector("a.download")).getAttribute("href");
        assertDownloadedExactly(file, href.substring(href.lastIndexOf('/') + 1));
        assertEquals(List.of(), browser.consoleErrorsSinceLastCall(), "the browser's console");
    }

    @Test
    void theBrowserEnforcesThePolicy_refusingInlineScriptAndFraming_andItsConsoleShowsEachViolation() {
        JavascriptExecutor js = (JavascriptExecutor) browser.driver();
        js.executeScript("const s = document.createElement('script'); s.textContent = 'window.inlineRan = true;'; document.head.append(s);");
        assertNull(js.executeScript("return window.inlineRan === true ? 'ran' : null;"), "an inline script ran");

        js.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const frame = document.createElement('iframe');
                frame.id = 'framed';
                frame.addEventListener('load', () => done(), { once: true });
                frame.src = '/';
                document.body.append(frame);
                """);
        assertNull(js.executeScript("""
                const d = document.getElementById('framed').contentDocument;
                return d && d.getElementById('drop-zone') ? 'framed' : null;
                """), "the page was shown inside a frame");

        List<String> errors = new ArrayList<>();
        page.await(() -> {
            errors.addAll(browser.consoleErrorsSinceLastCall());
            return errors.stream().anyMatch(e -> e.contains("inline script") && e.contains("Content Security Policy"))
                    && errors.stream().anyMatch(e -> e.contains("frame-ancestors"));
        }, Duration.ofSeconds(10), "both violations in the console, so far: " + errors);
    }

    @Test
    void faviconIco_answers200WithAnIcon_andThePageLinksItsSvgIcon() {
        HttpResponse<byte[]> ico = get("/favicon.ico");
        assertEquals(200, ico.statusCode());
        assertTrue(header(ico, "Content-Type").startsWith("image/"), header(ico, "Content-Type"));
        assertArrayEquals(new byte[] {0, 0, 1, 0}, Arrays.copyOf(ico.body(), 4), "an ICO file's header");

        String href = browser.driver().findElement(By.cssSelector("link[rel='icon']")).getAttribute("href");
        HttpResponse<byte[]> svg = get(URI.create(href).getPath());
        assertEquals(200, svg.statusCode(), href);
        assertTrue(header(svg, "Content-Type").startsWith("image/svg+xml"), header(svg, "Content-Type"));
    }

    private static HttpResponse<byte[]> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(server.base() + path)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String header(HttpResponse<?> answer, String name) {
        return answer.headers().firstValue(name).orElse(null);
    }

    private int receivedChunks(String id) {
        UploadClient.Answer status = client.status(id);
        return status.status() == 200 ? status.json().getInt("received_chunks") : 0;
    }

    private Map<Integer, Integer> acceptedPutsPerChunk(String id) {
        Map<Integer, Integer> accepted = new HashMap<>();
        for (String line : server.accessLogLines()) {
            Matcher m = CHUNK_PUT.matcher(line);
            if (m.find() && m.group(1).equals(id) && m.group(3).equals("200")) {
                accepted.merge(Integer.parseInt(m.group(2)), 1, Integer::sum);
            }
        }
        return accepted;
    }

    private void assertDownloadedExactly(Path file, String id) {
        Download download = client.download(id, null);
        assertEquals(200, download.status());
        assertEquals(TestFiles.sha256(file), download.sha256());
    }

}
