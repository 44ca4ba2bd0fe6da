package dev.largeupload.web.edge.tus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.usecase.BodyChecksum;
import dev.largeupload.web.http.RequestException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The structured-field syntax of the draft's headers, as {@link IetfDraft} reads it. */
class IetfDraftTest {

    @Test
    void uploadComplete_isABoolean_andRequired() {
        assertTrue(IetfDraft.complete("?1"));
        assertFalse(IetfDraft.complete(" ?0 "));
        assertEquals("draft.upload-complete-invalid", assertThrows(RequestException.class,
                () -> IetfDraft.complete("true")).code());
        assertThrows(RequestException.class, () -> IetfDraft.complete(null));
    }

    @Test
    void integers_areNonNegativeOfAtMost15Digits() {
        assertEquals(Optional.of(123L), IetfDraft.integer("Upload-Offset", "123"));
        assertEquals(Optional.empty(), IetfDraft.integer("Upload-Offset", null));
        assertThrows(RequestException.class, () -> IetfDraft.integer("Upload-Offset", "-1"));
        assertThrows(RequestException.class, () -> IetfDraft.integer("Upload-Offset", "1234567890123456"));
    }

    @Test
    void contentDigest_prefersSha256_ignoresAlgorithmsItCannotCheck_andRefusesBadSyntax() throws Exception {
        byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(new byte[] {1});
        byte[] md5 = MessageDigest.getInstance("MD5").digest(new byte[] {1});
        BodyChecksum checksum = IetfDraft.contentDigest("md5=:" + b64(md5) + ":, sha-256=:" + b64(sha256) + ":").orElseThrow();
        assertEquals("sha256", checksum.algorithm());
        assertArrayEquals(sha256, checksum.expected());
        assertEquals("md5", IetfDraft.contentDigest("md5=:" + b64(md5) + ":").orElseThrow().algorithm());
        assertEquals(Optional.empty(), IetfDraft.contentDigest("sha-512=:" + b64(new byte[64]) + ":"));
        assertThrows(RequestException.class, () -> IetfDraft.contentDigest("sha-256=" + b64(sha256)));
        assertThrows(RequestException.class, () -> IetfDraft.contentDigest("sha-256=:" + b64(new byte[3]) + ":"));
    }

    @Test
    void reprDigest_givesTheHexSha256_andIsWrittenBackTheSame() throws Exception {
        byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(new byte[] {2});
        String field = "sha-256=:" + b64(sha256) + ":";
        assertEquals(Optional.of(HexFormat.of().formatHex(sha256)), IetfDraft.reprSha256(field));
        assertEquals(field, IetfDraft.reprDigest(HexFormat.of().formatHex(sha256)));
        assertEquals(Optional.empty(), IetfDraft.reprSha256(null));
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
