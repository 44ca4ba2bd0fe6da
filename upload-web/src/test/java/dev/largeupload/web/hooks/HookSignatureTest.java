package dev.largeupload.web.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HookSignatureTest {

    @Test
    void signature_isTheLowerHexHmacSha256OfTheBody_asRfc4231Gives() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assertEquals("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                new HookSignature("Jefe").of("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)));
    }
}
