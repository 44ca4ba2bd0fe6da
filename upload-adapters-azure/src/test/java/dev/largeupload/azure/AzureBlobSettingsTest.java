package dev.largeupload.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.largeupload.azure.AzureBlobSettings.Connection;
import dev.largeupload.domain.model.BlockId;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure parts of the adapter: settings validation, secrets kept out of strings, block id parsing. */
class AzureBlobSettingsTest {

    @Test
    void sharedKey_withoutAnEndpoint_usesThePublicCloudEndpoint() {
        Connection.SharedKey key = new Connection.SharedKey("acct", "c2VjcmV0", Optional.empty());

        assertEquals("https://acct.blob.core.windows.net", key.endpointOrDefault());
    }

    @Test
    void endpointAlone_buildsAStoreOnTheDefaultCredentialChain_withoutTouchingTheNetwork() {
        AzureBlobSettings settings = new AzureBlobSettings(
                new Connection.DefaultCredential("https://acct.blob.core.windows.net"), "uploads", "", false,
                AzureBlobSettings.Retries.DEFAULT);

        assertNotNull(AzureBlobStoreFactory.create(settings));
    }

    @Test
    void endpointAlone_mustBeHttps_becauseBearerTokensNeverTravelInClear() {
        assertThrows(IllegalArgumentException.class, () -> new Connection.DefaultCredential("http://127.0.0.1:10000/acct"));
    }

    @Test
    void toString_neverShowsAKeyATokenOrAConnectionString() {
        AzureBlobSettings settings = AzureBlobSettings.of(new Connection.SharedKey("acct", "TOPSECRETKEY", Optional.empty()), "uploads");
        String sas = new Connection.Sas("https://acct.blob.core.windows.net", "sv=2024&sig=TOPSECRETSIG").toString();
        String connectionString = new Connection.ConnectionString("AccountKey=TOPSECRETCS").toString();

        assertFalse(settings.toString().contains("TOPSECRET"), settings.toString());
        assertFalse(sas.contains("TOPSECRET"), sas);
        assertFalse(connectionString.contains("TOPSECRET"), connectionString);
    }

    @Test
    void invalidContainerNamesAndPrefixes_areRefused() {
        Connection connection = new Connection.ConnectionString("UseDevelopmentStorage=true");

        assertThrows(IllegalArgumentException.class, () -> AzureBlobSettings.of(connection, "Uploads"));
        assertThrows(IllegalArgumentException.class, () -> AzureBlobSettings.of(connection, "up--loads"));
        assertThrows(IllegalArgumentException.class, () -> AzureBlobSettings.of(connection, "ab"));
        assertThrows(IllegalArgumentException.class, () -> AzureBlobSettings.of(connection, "uploads").withBlobPrefix("uploads"));
        assertThrows(IllegalArgumentException.class, () -> AzureBlobSettings.of(connection, "uploads").withBlobPrefix("../"));
        assertEquals("a/b-2/", AzureBlobSettings.of(connection, "uploads").withBlobPrefix("a/b-2/").blobPrefix());
    }

    @Test
    void indexOf_acceptsOnlyTheIdsBlockIdMakes() {
        assertEquals(Optional.of(42), AzureBlobStore.indexOf(BlockId.of(42).value()));
        assertEquals(Optional.of(42), AzureBlobStore.indexOf(BlockId.of(42, dev.largeupload.domain.model.StagingAttempt.random()).value()));
        assertEquals(Optional.empty(), AzureBlobStore.indexOf(encode("block-000042-0000000000000000")));
        assertEquals(Optional.empty(), AzureBlobStore.indexOf(encode("block-42")));
        assertEquals(Optional.empty(), AzureBlobStore.indexOf(encode("foreign-000001")));
        assertEquals(Optional.empty(), AzureBlobStore.indexOf("not base64!"));
    }

    private static String encode(String raw) {
        return Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }
}
