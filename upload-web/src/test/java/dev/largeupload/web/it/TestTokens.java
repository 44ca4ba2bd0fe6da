package dev.largeupload.web.it;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * An identity provider for tests, as none is reachable here: an RSA 2048 key pair made for the test, its public key
 * as a PEM file (what {@code MP_JWT_VERIFY_PUBLICKEY_LOCATION} names), and RS256 tokens signed by hand with
 * {@link Signature}, for any subject, groups, issuer and lifetime.
 */
final class TestTokens {

    static final String ISSUER = "https://login.example.test/tenant/v2.0";

    private final KeyPair keys;

    TestTokens() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the public key as a PEM file in {@code dir} and returns its path. */
    Path writePublicKey(Path dir) {
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("sign-in-public-key.pem");
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A token of {@code subject} in {@code groups}, from {@link #ISSUER}, valid for the next hour. */
    String token(String subject, String... groups) {
        return token(subject, ISSUER, Instant.now().plus(Duration.ofHours(1)), groups);
    }

    String token(String subject, String issuer, Instant expires, String... groups) {
        JsonArrayBuilder groupArray = Json.createArrayBuilder();
        List.of(groups).forEach(groupArray::add);
        JsonObjectBuilder claims = Json.createObjectBuilder().add("iss", issuer).add("sub", subject)
                .add("upn", subject + "@example.test").add("iat", Instant.now().getEpochSecond() - 60)
                .add("exp", expires.getEpochSecond()).add("groups", groupArray);
        String header = base64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String payload = base64(claims.build().toString());
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(keys.getPrivate());
            signature.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
