package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobCorsRule;
import com.azure.storage.blob.models.BlobServiceProperties;
import dev.largeupload.web.it.UploadClient.Download;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload page in headless Chromium in direct mode: the server (on Azurite, whose account key can sign a
 * SAS) offers {@code "direct"}, so the page sends every block straight to Azurite with its SAS URL and a
 * Content-MD5 it computed, across origins (Azurite carries the CORS rule an operator sets on the storage
 * account), under the page's Content-Security-Policy; the server sees next to none of the bytes
 * ({@code upload_bytes_received_total}), and the file downloads byte-exact. A pause and resume goes on from
 * the blocks Azure holds; a 403 from Azure (an expired SAS) gets a new target; {@code ?transfer=proxy} keeps the
 * page on proxy mode. Chunks are two blocks of 1 MiB.
 */
@Server(stores = Stores.AZURE, env = {"CHUNK_SIZE=2097152", "BLOCK_SIZE=1048576"})
class AzureDirectUploadPageIT {

    private static final long MIB = 1024 * 1024;

    static ServerProcess server;
    static UploadClient client;
    static String azuriteOrigin;

    @TempDir
    Path work;
    Browser browser;
    UploadPage page;

    @BeforeAll
    static void server(ServerProcess started, UploadClient direct, StoreEnvironment stores) {
        server = started;
        client = direct;
        URI blobs = URI.create(stores.container().getBlobContainerUrl());
        azuriteOrigin = blobs.getScheme() + "://" + blobs.getAuthority();
        allowThePageOrigin(stores.azurite().connectionString(), server.base().toString());
        JsonObject config = client.send(client.request("/api/config").GET()).json();
        assertTrue(config.getJsonArray("transfer_modes").getValuesAs(jakarta.json.JsonString::getString).contains("direct"), config.toString());
    }

    @BeforeEach
    void openPage() {
        browser = Browser.start(work);
        page = new UploadPage(browser);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void directMode_sendsEveryBlockToAzuriteWithItsMd5_theServerReceivesNone_andTheFileDownloadsByteExact() throws Exception {
        Path file = TestFiles.random(work, "direct.bin", 9 * MIB + 123, 91);
        browser.driver().get(server.base() + "/");
        page.recordRequests();
        double receivedBefore = bytesReceived();

        page.select(file);
        String id = page.awaitUploadId(file);
        awaitCompleted(file, Duration.ofMinutes(2));

        assertDownloadedExactly(file, id);
        double received = bytesReceived() - receivedBefore;
        assertTrue(received < MIB, "the server received " + received + " bytes of the file");
        List<JsonObject> blockPuts = requests("PUT").stream().filter(r -> r.getString("url").startsWith(azuriteOrigin)).toList();
        // 5 chunks: four of two 1 MiB blocks, the last of 1 MiB and 123 bytes.
        assertEquals(10, blockPuts.size(), blockPuts.toString());
        for (JsonObject put : blockPuts) {
            JsonObject headers = put.getJsonObject("headers");
            assertTrue(headers.getString("content-md5", "").matches("[A-Za-z0-9+/]{22}=="), headers.toString());
            assertTrue(headers.containsKey("x-ms-version"), headers.toString());
        }
        assertEquals(List.of(), requests("PUT").stream().filter(r -> r.getString("url").contains("/api/upload/")).toList(),
                "no chunk through the server");
        assertEquals(List.of(), browser.consoleErrorsSinceLastCall(), "the console during a direct upload");
    }

    @Test
    void aBlockRefusedWith403_getsANewTargetAndGoesOn_andCompletesByteExact() throws Exception {
        Path file = TestFiles.random(work, "direct-403.bin", 4 * MIB, 94);
        browser.driver().get(server.base() + "/");
        page.recordRequests();
        // The first Put Block's SAS is spoilt on its way out, as an expired one would be: Azure answers 403.
        page.js().executeScript("""
                const open = XMLHttpRequest.prototype.open;
                let spoilt = false;
                XMLHttpRequest.prototype.open = function (method, url) {
                  const args = [...arguments];
                  if (!spoilt && method === 'PUT' && String(url).includes('comp=block')) {
                    spoilt = true;
                    args[1] = String(url).replace(/sig=[^&]*/, 'sig=AAAA');
                  }
                  return open.apply(this, args);
                };
                """);

        page.select(file);
        String id = page.awaitUploadId(file);
        awaitCompleted(file, Duration.ofMinutes(1));

        assertDownloadedExactly(file, id);
        long targets = requests("POST").stream().filter(r -> r.getString("url").endsWith("/target")).count();
        assertEquals(3, targets, "a target per chunk (2), and one more after the 403");
    }

    @Test
    void thePagesPolicy_letsItConnectToItsOwnOriginAndTheStorageOnly() {
        UploadClient.Answer answer = client.send(client.request("/"));
        String policy = answer.headers().get("content-security-policy").get(0);
        assertTrue(policy.contains("; connect-src 'self' " + azuriteOrigin + "; "), policy);
        assertTrue(policy.startsWith("default-src 'self'; script-src 'self'; "), policy);
    }

    @Test
    void directMode_pausedAndResumed_goesOnFromTheBlocksAzureHolds_andCompletesByteExact() throws Exception {
        Path file = TestFiles.random(work, "direct-pause.bin", 12 * MIB, 92);
        browser.driver().get(server.base() + "/");
        browser.throttleUploads(2 * (int) MIB);
        page.recordRequests();

        page.select(file);
        String id = page.awaitUploadId(file);
        page.await(() -> receivedChunks(id) >= 2, Duration.ofSeconds(60), "two chunks staged in Azure");
        page.click(file, "pause");
        page.awaitState(file, "paused", Duration.ofSeconds(30));
        int staged = receivedChunks(id);
        assertTrue(staged < 6, "the upload finished before it could be paused");
        browser.unthrottle();
        page.click(file, "resume");
        awaitCompleted(file, Duration.ofMinutes(2));

        assertDownloadedExactly(file, id);
        long blockPuts = requests("PUT").stream().filter(r -> r.getString("url").startsWith(azuriteOrigin)).count();
        // 12 blocks, plus at most the one block each of the three requests in flight had begun.
        assertTrue(blockPuts >= 12 && blockPuts <= 15, blockPuts + " block PUTs for 12 blocks");
    }

    @Test
    void transferProxyInTheQuery_keepsThePageOnProxyMode() throws Exception {
        Path file = TestFiles.random(work, "forced-proxy.bin", 3 * MIB + 7, 93);
        browser.driver().get(server.base() + "/?transfer=proxy");
        double receivedBefore = bytesReceived();

        page.select(file);
        String id = page.awaitUploadId(file);
        awaitCompleted(file, Duration.ofMinutes(1));

        assertDownloadedExactly(file, id);
        assertEquals(Files.size(file), bytesReceived() - receivedBefore, "every byte through the server");
    }

    /** The CORS rule an operator sets on the storage account for the page's origin (README, "Direct to Azure"). */
    static void allowThePageOrigin(String connectionString, String pageOrigin) {
        BlobServiceClient service = new BlobServiceClientBuilder().connectionString(connectionString).buildClient();
        BlobCorsRule rule = new BlobCorsRule()
                .setAllowedOrigins(pageOrigin)
                .setAllowedMethods("PUT,OPTIONS")
                .setAllowedHeaders("content-md5,content-type,x-ms-version,x-ms-blob-type,x-ms-client-request-id")
                .setExposedHeaders("x-ms-request-id,x-ms-version,content-md5,etag")
                .setMaxAgeInSeconds(3600);
        BlobServiceProperties properties = service.getProperties();
        properties.setCors(List.of(rule));
        service.setProperties(properties);
    }

    /** Waits for the file's "completed"; when it does not come, fails with what the page showed and logged. */
    private void awaitCompleted(Path file, Duration timeout) {
        try {
            page.awaitState(file, "completed", timeout);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(file.getFileName() + " not completed: state " + page.state(file) + ", message '"
                    + page.message(file) + "', console " + browser.consoleErrorsSinceLastCall(), e);
        }
    }

    private List<JsonObject> requests(String method) {
        return page.recordedRequests().stream().map(JsonValue::asJsonObject)
                .filter(r -> r.getString("method").equals(method)).toList();
    }

    private static double bytesReceived() {
        String text = client.send(client.request("/metrics").GET()).body();
        return PrometheusText.parse(text).entrySet().stream().filter(e -> e.getKey().startsWith("upload_bytes_received_total"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private static int receivedChunks(String id) {
        UploadClient.Answer status = client.status(id);
        return status.status() == 200 ? status.json().getInt("received_chunks") : 0;
    }

    private static void assertDownloadedExactly(Path file, String id) {
        Download download = client.download(id, null);
        assertEquals(200, download.status());
        assertEquals(TestFiles.sha256(file), download.sha256());
    }
}
