package dev.largeupload.web.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.model.Sha256;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentDigestTest {

    private static final Sha256 EMPTY = Sha256.of(Sha256.newDigest().digest());
    private static final String GOOD = ":47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:";
    private static final String BAD = ":AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:";
    private static final String SHA512 = ":AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==:";

    @ParameterizedTest
    @ValueSource(strings = {"sha-256=" + GOOD, "  sha-256=" + GOOD + "  ", "sha-512=" + SHA512 + ", sha-256=" + GOOD,
            "sha-256=" + GOOD + ";p=1", "sha-256=" + GOOD + ",sha-256=" + GOOD, "unixsum=(1 2 \"x\" ?1);a, sha-256=" + GOOD,
            "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU:"})
    void aWellFormedDictionary_yieldsItsSha256(String header) {
        assertEquals(Optional.of(EMPTY), ContentDigest.sha256(header));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "sha-256=" + GOOD + ", sha-256=" + BAD,    // the good one first must not hide the bad one
            "sha-256=" + BAD + ", sha-256=" + GOOD,
            "sha-256=" + GOOD + " garbage",            // text after the dictionary
            "sha-256=" + GOOD + ",",                    // trailing comma
            "sha-256=" + GOOD + ";",                    // a parameter without a key
            "SHA-256=" + GOOD,                          // keys are lower-case
            "sha-256 =" + GOOD,
            "sha-256= " + GOOD,
            "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",  // unterminated byte sequence
            "sha-256=:47DEQpj8HBSa-_TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:", // base64url is not Base64
            "sha-256=" + GOOD + " ; p",
            "sha-256",                                  // a boolean member
            "sha-256=\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"", // a string, not a byte sequence
            "sha-256=:AAAA:",                           // 3 bytes
            "sha-512=" + SHA512,                        // nothing this server checks
            "sha-512=" + SHA512 + ", md5=(",            // broken syntax in a member we would ignore
            "sha-256=" + GOOD + "\t, x=1 x",
            ",sha-256=" + GOOD,
            "sha-256=" + GOOD + ", , x=1"})
    void anythingElse_isRefusedAsAnInvalidChecksum(String header) {
        InvalidArgument e = assertThrows(InvalidArgument.class, () -> ContentDigest.sha256(header));
        assertEquals("upload.invalid-checksum", e.code());
    }

    @Test
    void absentOrBlank_isEmpty() {
        assertEquals(Optional.empty(), ContentDigest.sha256(null));
        assertEquals(Optional.empty(), ContentDigest.sha256("   "));
    }

    @Test
    void theDictionaryParser_readsEveryKindOfValue_andKeepsDuplicates() throws Exception {
        List<StructuredDictionary.Member> members = StructuredDictionary.parse(
                "a=1, b=-2.5, c=\"q\\\"s\", d=tok/en:x, e=:AQID:, f=?0, g, h=(1 x);p=?1, a=*t");
        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h", "a"), members.stream().map(StructuredDictionary.Member::key).toList());
        assertEquals(1L, members.get(0).value());
        assertEquals(new BigDecimal("-2.5"), members.get(1).value());
        assertEquals("q\"s", members.get(2).value());
        assertEquals(new StructuredDictionary.Token("tok/en:x"), members.get(3).value());
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) members.get(4).value());
        assertEquals(Boolean.FALSE, members.get(5).value());
        assertEquals(Boolean.TRUE, members.get(6).value());
        assertEquals(List.of(1L, new StructuredDictionary.Token("x")), members.get(7).value());
        assertEquals(new StructuredDictionary.Token("*t"), members.get(8).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=1234567890123456", "a=1234567890123.1", "a=1.2345", "a=1.", "a=-", "a=\"\\x\"", "a=\"open",
            "a=(1 2", "a=(1,2)", "a=?2", "a=@", "1a=1", "a=1;B=2"})
    void theDictionaryParser_refusesWhatRfc8941Refuses(String field) {
        assertThrows(StructuredDictionary.SyntaxException.class, () -> StructuredDictionary.parse(field));
    }
}
