package dev.largeupload.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.model.Sha256;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestValuesTest {

    private static final Sha256 EMPTY = Sha256.of(Sha256.newDigest().digest());
    private static final String EMPTY_B64 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    @Test
    void contentDigest_readsTheSha256MemberOfTheDictionary() {
        assertEquals(Optional.of(EMPTY), RequestValues.contentDigest("sha-256=:" + EMPTY_B64 + ":"));
        assertEquals(Optional.of(EMPTY), RequestValues.contentDigest(" sha-256=:" + EMPTY_B64 + ": "));
        assertEquals(Optional.of(EMPTY), RequestValues.contentDigest(
                "sha-512=:" + Base64.getEncoder().encodeToString(new byte[64]) + ":, sha-256=:" + EMPTY_B64 + ":"));
    }

    @Test
    void contentDigest_absentOrBlank_isEmpty() {
        assertEquals(Optional.empty(), RequestValues.contentDigest(null));
        assertEquals(Optional.empty(), RequestValues.contentDigest("  "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha-256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "sha-256=::", "sha-256=:AAAA:", "sha-256=:!!!!:", "md5=:1B2M2Y8AsgTpgAmY7PhCfg==:", "nonsense",
            // RFC 8941 keys are lower-case and take no blanks around '='
            "SHA-256 = :47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
            // a second, different sha-256 after a good one, and text after the dictionary
            "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:, sha-256=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:",
            "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=: garbage"})
    void contentDigest_thatCannotBeChecked_isRefused(String header) {
        InvalidArgument e = assertThrows(InvalidArgument.class, () -> RequestValues.contentDigest(header));
        assertEquals("upload.invalid-checksum", e.code());
    }

    @Test
    void contentMd5_mustBeTheBase64OfSixteenBytes() {
        assertEquals(16, RequestValues.contentMd5("1B2M2Y8AsgTpgAmY7PhCfg==").orElseThrow().length);
        assertThrows(InvalidArgument.class, () -> RequestValues.contentMd5("AAAA"));
    }
}
