package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code @uppy/core} 6.3.1 + {@code @uppy/tus} 6.0.0, unmodified, in real headless Chromium: a test-only page
 * ({@code upload-web/src/test/node/uppy-page}, served by {@link TestPageServer} from another origin than the
 * server's, never by the product) loads them as ES modules from node_modules through an import map, and
 * uploads a file chosen in its file input to the tus edge of the real server (embedded default), across
 * origins, so through the server's CORS for the tus edge ({@code CORS_ALLOWED_ORIGINS} = the page's origin).
 * The file downloads byte-exact from the upload URL Uppy reports, and the browser logged no error.
 *
 * <p>The server is started by the class itself, not by {@link Server}: its CORS allow-list must name the
 * page server's origin, whose port is only known once it listens. The file is {@value #DEFAULT_BYTES}
 * bytes; {@code -Dtus.it.uppy.bytes=N} changes it. {@code -Dtus.it.target=tus-server} runs the same test
 * against {@code @tus/server} ({@link TusPeer}, which allows every origin): a check of the test, not CI.
 */
class UppyTusIT {

    static final long DEFAULT_BYTES = 64L * 1024 * 1024;
    static final long BYTES = Long.getLong("tus.it.uppy.bytes", DEFAULT_BYTES);
    private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(5);

    static TestPageServer page;
    static ServerProcess server;
    static TusTarget target;
    static Browser browser;

    @TempDir
    Path work;

    @BeforeAll
    static void start(@TempDir Path dir) {
        page = TestPageServer.start();
        if ("tus-server".equals(System.getProperty("tus.it.target"))) {
            target = TusPeer.start(dir);
        } else {
            server = ServerProcess.start(dir.resolve("server"), Map.of("CORS_ALLOWED_ORIGINS", page.origin()));
            target = TusTarget.edge(server);
        }
        browser = Browser.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
            if (target instanceof AutoCloseable peer) {
                peer.close();
            }
            if (server != null) {
                server.stop();
            }
        } finally {
            if (page != null) {
                page.close();
            }
        }
    }

    @Test
    void uppyUploadsAFileChosenInTheFileInput_acrossOrigins_byteExact() {
        Path file = TestFiles.random(work, "uppy.bin", BYTES, 41);
        browser.driver().get(page.url("/?endpoint=" + URLEncoder.encode(target.endpoint().toString(), StandardCharsets.UTF_8)).toString());
        browser.driver().findElement(By.id("file")).sendKeys(file.toAbsolutePath().toString());
        new WebDriverWait(browser.driver(), UPLOAD_TIMEOUT, Duration.ofMillis(100)).until(driver ->
                !driver.findElement(By.id("result")).getDomAttribute("data-state").equals("idle"));

        String state = browser.driver().findElement(By.id("result")).getDomAttribute("data-state");
        String text = browser.driver().findElement(By.id("result")).getText();
        List<String> errors = browser.consoleErrorsSinceLastCall();
        assertEquals("done", state, "Uppy's outcome: " + text + "\nconsole: " + errors);
        JsonObject outcome = Json.createReader(new StringReader(text)).readObject();
        JsonObject uploaded = outcome.getJsonArray("successful").getJsonObject(0);
        assertEquals(BYTES, uploaded.getJsonNumber("size").longValue());
        double seconds = outcome.getJsonNumber("seconds").doubleValue();
        System.out.printf("UppyTusIT on %s: %d bytes in %.2f s (%.0f MB/s) from Chromium%n", target, BYTES, seconds, BYTES / seconds / 1e6);

        URI url = URI.create(uploaded.getString("uploadURL"));
        assertTrue(url.toString().startsWith(target.endpoint().toString()), url + " is under " + target.endpoint());
        TusDownload.Digest download = TusDownload.sha256(url);
        assertEquals(BYTES, download.length(), "length downloaded from " + url);
        assertEquals(TestFiles.sha256(file), download.sha256(), "SHA-256 downloaded from " + url);
        assertEquals(List.of(), errors, "the browser's console");
    }
}
