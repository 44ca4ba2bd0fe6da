package dev.largeupload.domain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Sha256Test {

    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void hexAndBase64_roundTrip() {
        Sha256 empty = Sha256.of(Sha256.newDigest().digest());
        assertEquals(EMPTY, empty.hex());
        assertEquals("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", empty.base64());
        assertEquals(empty, Sha256.fromHex("  " + EMPTY.toUpperCase() + " ", "sha256"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85500"})
    void fromHex_refusesAnythingButSixtyFourHexDigits(String raw) {
        InvalidArgument e = assertThrows(InvalidArgument.class, () -> Sha256.fromHex(raw, "composite_sha256"));
        assertEquals("upload.invalid-checksum", e.code());
    }

    @Test
    void composite_isTheSha256OfTheRawDigestsInOrder() {
        Sha256 a = digest("a");
        Sha256 b = digest("b");
        byte[] joined = new byte[64];
        System.arraycopy(a.bytes(), 0, joined, 0, 32);
        System.arraycopy(b.bytes(), 0, joined, 32, 32);

        assertEquals(Sha256.of(Sha256.newDigest().digest(joined)), Sha256.composite(List.of(a, b)));
        assertNotEquals(Sha256.composite(List.of(a, b)), Sha256.composite(List.of(b, a)), "order matters");
    }

    @Test
    void of_refusesAnythingButThirtyTwoBytes_andCopiesItsInput() {
        assertThrows(IllegalArgumentException.class, () -> Sha256.of(new byte[31]));
        byte[] raw = new byte[32];
        Sha256 digest = Sha256.of(raw);
        raw[0] = 1;
        assertEquals(0, digest.bytes()[0]);
    }

    private static Sha256 digest(String text) {
        return Sha256.of(Sha256.newDigest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
