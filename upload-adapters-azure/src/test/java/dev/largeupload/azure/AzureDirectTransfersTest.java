package dev.largeupload.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import dev.largeupload.azure.AzureBlobSettings.Connection;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.BlockId;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.port.StagingTarget;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link AzureDirectTransfers} against Azurite: the SAS it signs is write-only, for one blob, starts a minute back,
 * ends when asked (a target signed to end in the past is refused by Azure: no waiting), and {@code stagedBlocks}
 * reports Azure's own sizes for our block ids only. Which credentials can sign, without Azurite.
 */
class AzureDirectTransfersTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static AzuriteServer azurite;
    private static AzureBlobStore store;
    private static AzureDirectTransfers direct;
    private static AzureBlobSettings settings;

    @BeforeAll
    static void start() {
        azurite = AzuriteServer.start();
        settings = AzureBlobSettings.of(new Connection.ConnectionString(azurite.connectionString()),
                "d" + UUID.randomUUID().toString().replace("-", "")).withBlobPrefix("up/");
        store = AzureBlobStoreFactory.create(settings);
        direct = (AzureDirectTransfers) AzureBlobStoreFactory.directTransfers(settings, store).orElseThrow();
    }

    @AfterAll
    static void stop() {
        azurite.close();
    }

    @Test
    void aTarget_stagesItsBlock_andStagedBlocksReportsItsSize() throws Exception {
        BlobName blob = BlobName.of(UploadId.random());
        byte[] bytes = "direct bytes".getBytes(StandardCharsets.US_ASCII);

        HttpResponse<String> put = put(direct.target(blob, BlockId.of(3), Instant.now().plusSeconds(60)), bytes);

        assertEquals(201, put.statusCode(), put.body());
        assertEquals(Map.of(3, (long) bytes.length), direct.stagedBlocks(blob));
        assertTrue(store.container().getBlobClient("up/" + blob.value()).getBlockBlobClient()
                .listBlocks(com.azure.storage.blob.models.BlockListType.UNCOMMITTED).getUncommittedBlocks().size() == 1,
                "not staged under the store's prefix");
    }

    @Test
    void aTargetSignedToEndInThePast_isRefusedByAzure() throws Exception {
        BlobName blob = BlobName.of(UploadId.random());
        StagingTarget expired = direct.target(blob, BlockId.of(0), Instant.now().minusSeconds(5));

        HttpResponse<String> put = put(expired, new byte[10]);

        assertEquals(403, put.statusCode(), put.body());
        assertEquals(Map.of(), direct.stagedBlocks(blob));
    }

    @Test
    void theSas_isWriteOnly_forOneBlob_fromAMinuteBack_untilTheExpiryAsked() {
        Instant expiry = Instant.now().plusSeconds(600).truncatedTo(ChronoUnit.SECONDS);
        BlobName blob = BlobName.of(UploadId.random());
        StagingTarget target = direct.target(blob, BlockId.of(7), expiry);
        Map<String, String> query = query(URI.create(target.url()).getRawQuery());

        assertEquals("w", query.get("sp"));
        assertEquals("b", query.get("sr"));
        assertEquals("https,http", query.get("spr"));
        assertEquals(expiry, Instant.parse(query.get("se")));
        assertTrue(Instant.parse(query.get("st")).isBefore(Instant.now().minusSeconds(55)));
        assertEquals("block", query.get("comp"));
        assertEquals(BlockId.of(7).value(), query.get("blockid"));
        // The SDK spells the prefix's slash %2F in the path, as it does for the store's own requests.
        assertTrue(URLDecoder.decode(URI.create(target.url()).getRawPath(), StandardCharsets.UTF_8)
                .endsWith("/up/" + blob.value()), target.url());
        assertEquals(expiry, target.expiresAt());
        assertFalse(target.toString().contains("sig="), "toString shows the credential");
        assertTrue(target.headers().containsKey("x-ms-version"));
    }

    @Test
    void stagedBlocks_ignoreIdsOfProxyAttempts_andOfNoBlobAtAll() {
        BlobName blob = BlobName.of(UploadId.random());
        assertEquals(Map.of(), direct.stagedBlocks(blob));
        var client = store.container().getBlobClient("up/" + blob.value()).getBlockBlobClient();
        // One blob takes one id length only: a proxy attempt's 40-character id on a blob of its own.
        client.stageBlock(BlockId.of(1, StagingAttempt.random()).value(), BinaryData.fromBytes(new byte[4]));
        assertEquals(Map.of(), direct.stagedBlocks(blob));
    }

    @Test
    void whoCanSign_accountKeysAndEntraCredentials_butNoSasToken() {
        assertEquals(Optional.of(AzureDirectTransfers.Signing.SHARED_KEY), AzureBlobStoreFactory.signing(
                new Connection.SharedKey("acct", "a2V5", Optional.empty())));
        assertEquals(Optional.of(AzureDirectTransfers.Signing.SHARED_KEY), AzureBlobStoreFactory.signing(
                new Connection.ConnectionString(azurite.connectionString())));
        assertEquals(Optional.of(AzureDirectTransfers.Signing.SHARED_KEY), AzureBlobStoreFactory.signing(
                new Connection.ConnectionString("UseDevelopmentStorage=true")));
        assertEquals(Optional.of(AzureDirectTransfers.Signing.USER_DELEGATION), AzureBlobStoreFactory.signing(
                new Connection.DefaultCredential("https://acct.blob.core.windows.net")));
        assertEquals(Optional.empty(), AzureBlobStoreFactory.signing(new Connection.ConnectionString(
                "BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature=sv=2024&sig=x")));
        assertEquals(Optional.empty(), AzureBlobStoreFactory.signing(
                new Connection.Sas("https://acct.blob.core.windows.net", "sv=2024&sig=x")));
    }

    private static HttpResponse<String> put(StagingTarget target, byte[] bytes) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.url()))
                .method(target.method(), BodyPublishers.ofByteArray(bytes))
                .header("Content-MD5", Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes)));
        target.headers().forEach(request::header);
        return HTTP.send(request.build(), BodyHandlers.ofString());
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new HashMap<>();
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            values.put(pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return values;
    }
}
