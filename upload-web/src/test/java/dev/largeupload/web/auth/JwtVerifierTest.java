package dev.largeupload.web.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {

    private static final Instant NOW = Instant.parse("2026-12-03T06:00:00Z");
    private static final String ISSUER = "https://login.example.test/t/v2.0";
    private static final KeyPair RSA = generate("RSA", null);
    private static final KeyPair EC = generate("EC", "secp256r1");

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void aTokenSignedRs256ByTheConfiguredPemKey_signsItsSubjectInWithItsGroupsAndRoles() throws Exception {
        JwtVerifier verifier = verifier(pem(RSA));
        VerifiedToken token = verifier.verify(rs256(claims("alice", ISSUER, NOW.plusSeconds(60), "\"groups\":[\"upload-admin\"],\"roles\":\"r\"")));
        assertEquals("alice", token.subject());
        assertEquals(Set.of("upload-admin", "r"), token.groups());
    }

    @Test
    void anExpiredToken_aTokenOfAnotherIssuer_noSubject_andNoExpiry_areRefused() {
        JwtVerifier verifier = verifier(pem(RSA));
        assertRefused(verifier, rs256(claims("a", ISSUER, NOW.minusSeconds(61), "")), "expired");
        assertRefused(verifier, rs256(claims("a", "https://other/", NOW.plusSeconds(60), "")), "issued");
        assertRefused(verifier, rs256("{\"iss\":\"" + ISSUER + "\",\"exp\":" + NOW.plusSeconds(60).getEpochSecond() + "}"), "subject");
        assertRefused(verifier, rs256("{\"iss\":\"" + ISSUER + "\",\"sub\":\"a\"}"), "expiry");
        assertRefused(verifier, rs256(claims("a", ISSUER, NOW.plusSeconds(60), "\"nbf\":" + NOW.plusSeconds(600).getEpochSecond())), "valid yet");
    }

    @Test
    void aForgedSignature_algNone_andAnHs256Token_areRefused() {
        JwtVerifier verifier = verifier(pem(RSA));
        String good = rs256(claims("a", ISSUER, NOW.plusSeconds(60), ""));
        String[] parts = good.split("\\.");
        String forged = parts[0] + "." + b64(claims("admin", ISSUER, NOW.plusSeconds(60), "")) + "." + parts[2];
        assertRefused(verifier, forged, "signature");
        assertRefused(verifier, b64("{\"alg\":\"none\"}") + "." + parts[1] + ".", "algorithm");
        assertRefused(verifier, b64("{\"alg\":\"HS256\"}") + "." + parts[1] + "." + parts[2], "algorithm");
        assertRefused(verifier, "garbage", "three");
    }

    @Test
    void anEs256TokenVerifiesAgainstAJwksPickingTheKeyByKid() throws Exception {
        ECPublicKey ec = (ECPublicKey) EC.getPublic();
        RSAPublicKey rsa = (RSAPublicKey) RSA.getPublic();
        String jwks = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"r1\",\"n\":\"" + b64u(rsa.getModulus()) + "\",\"e\":\""
                + b64u(rsa.getPublicExponent()) + "\"},{\"kty\":\"EC\",\"kid\":\"e1\",\"crv\":\"P-256\",\"x\":\""
                + b64u(ec.getW().getAffineX()) + "\",\"y\":\"" + b64u(ec.getW().getAffineY()) + "\"}]}";
        JwtVerifier verifier = verifier(jwks);
        String header = b64("{\"alg\":\"ES256\",\"kid\":\"e1\"}");
        String payload = b64(claims("bob", ISSUER, NOW.plusSeconds(60), ""));
        String token = header + "." + payload + "." + sign("SHA256withECDSAinP1363Format", EC.getPrivate(), header + "." + payload);
        assertEquals("bob", verifier.verify(token).subject());
        assertEquals("bob", verifier.verify(rs256(claims("bob", ISSUER, NOW.plusSeconds(60), ""))).subject());
    }

    @Test
    void keyText_thatIsNoKey_isRefusedWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> PublicKeys.parse("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"));
        assertThrows(IllegalArgumentException.class, () -> PublicKeys.parse("{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"}]}"));
        assertThrows(IllegalArgumentException.class, () -> PublicKeys.parse("not a key"));
    }

    private JwtVerifier verifier(String keyText) {
        return JwtVerifier.of(PublicKeys.parse(keyText), Optional.of(ISSUER), Set.of(), Duration.ofSeconds(60), clock);
    }

    private static void assertRefused(JwtVerifier verifier, String token, String reason) {
        InvalidToken refused = assertThrows(InvalidToken.class, () -> verifier.verify(token));
        assertTrue(refused.getMessage().contains(reason), refused.getMessage());
    }

    private static String claims(String subject, String issuer, Instant expires, String more) {
        return "{\"iss\":\"" + issuer + "\",\"sub\":\"" + subject + "\",\"exp\":" + expires.getEpochSecond()
                + (more.isEmpty() ? "" : "," + more) + "}";
    }

    private static String rs256(String claims) {
        String header = b64("{\"alg\":\"RS256\",\"kid\":\"r1\"}");
        String payload = b64(claims);
        return header + "." + payload + "." + sign("SHA256withRSA", RSA.getPrivate(), header + "." + payload);
    }

    private static String sign(String algorithm, PrivateKey key, String text) {
        try {
            Signature signature = Signature.getInstance(algorithm);
            signature.initSign(key);
            signature.update(text.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64u(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static KeyPair generate(String algorithm, String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (curve == null) {
                generator.initialize(2048);
            } else {
                generator.initialize(new ECGenParameterSpec(curve));
            }
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
