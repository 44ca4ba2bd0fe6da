package dev.largeupload.domain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UploadTokenTest {

    @Test
    void issue_givesDistinctUrlSafeTokensOf256Bits() {
        String a = UploadToken.issue();
        String b = UploadToken.issue();

        assertNotEquals(a, b);
        assertTrue(a.matches("[A-Za-z0-9_-]{43}"), a);
    }

    @Test
    void hash_isTheLowerCaseHexSha256AndNotTheToken() {
        String token = UploadToken.issue();

        String hash = UploadToken.hash(token);

        assertTrue(hash.matches("[0-9a-f]{64}"), hash);
        assertNotEquals(token, hash);
        assertEquals(hash, UploadToken.hash(token));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", UploadToken.hash("abc"));
    }

    @Test
    void matches_theRightToken() {
        String token = UploadToken.issue();

        assertTrue(UploadToken.matches(token, UploadToken.hash(token)));
    }

    @Test
    void matches_refusesAWrongToken() {
        String token = UploadToken.issue();

        assertFalse(UploadToken.matches(UploadToken.issue(), UploadToken.hash(token)));
        assertFalse(UploadToken.matches(token + "x", UploadToken.hash(token)));
        assertFalse(UploadToken.matches("", UploadToken.hash(token)));
    }

    @Test
    void matches_refusesTheHashItselfPresentedAsToken() {
        String hash = UploadToken.hash(UploadToken.issue());

        assertFalse(UploadToken.matches(hash, hash));
    }

    @Test
    void matches_refusesNulls() {
        String token = UploadToken.issue();

        assertFalse(UploadToken.matches(null, UploadToken.hash(token)));
        assertFalse(UploadToken.matches(token, null));
    }
}
