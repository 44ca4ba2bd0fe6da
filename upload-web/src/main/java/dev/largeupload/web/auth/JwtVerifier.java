package dev.largeupload.web.auth;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Verifies a signed JSON Web Token (JWS compact form) as MicroProfile JWT does, with the JDK alone: its signature
 * ({@code RS256}, {@code RS384}, {@code RS512}, {@code ES256}, {@code ES384}; never {@code none}, never a symmetric
 * algorithm) by one of the configured public keys (the one its {@code kid} names when the keys are named), its
 * {@code exp} (required) and {@code nbf} against the clock with a small skew, its {@code iss} when an issuer is
 * configured, its {@code aud} when audiences are, and a {@code sub}. Thread-safe; the keys come from a
 * {@link KeySource}, which may fetch them again when a token names a key it does not know (a provider's rotation).
 */
public final class JwtVerifier {

    /** A token longer than this is refused before it is parsed. */
    static final int MAX_TOKEN_LENGTH = 16 * 1024;

    /** Where the keys come from: {@link #keys()} as known now, {@link #refreshed()} fetched again if it can. */
    interface KeySource {
        List<PublicKeys.Key> keys();

        /** The keys fetched again (at most so often), or as they were. */
        List<PublicKeys.Key> refreshed();
    }

    private final KeySource keys;
    private final Optional<String> issuer;
    private final Set<String> audiences;
    private final Duration skew;
    private final Clock clock;

    JwtVerifier(KeySource keys, Optional<String> issuer, Set<String> audiences, Duration skew, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.audiences = Set.copyOf(audiences);
        this.skew = Objects.requireNonNull(skew, "skew");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A verifier of tokens signed by one of {@code keys}. */
    static JwtVerifier of(List<PublicKeys.Key> fixed, Optional<String> issuer, Set<String> audiences, Duration skew,
                          Clock clock) {
        KeySource source = new KeySource() {
            @Override
            public List<PublicKeys.Key> keys() {
                return fixed;
            }

            @Override
            public List<PublicKeys.Key> refreshed() {
                return fixed;
            }
        };
        return new JwtVerifier(source, issuer, audiences, skew, clock);
    }

    /**
     * What {@code token} says of its bearer, once verified.
     *
     * @throws InvalidToken if it is not a token this server accepts, saying why
     */
    public VerifiedToken verify(String token) throws InvalidToken {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidToken("The token is longer than " + MAX_TOKEN_LENGTH + " characters.");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidToken("The token is not a signed JWT (three Base64url parts separated by dots).");
        }
        JsonObject header = json(parts[0], "header");
        String algorithm = header.getString("alg", "");
        Optional<String> keyId = Optional.ofNullable(header.get("kid"))
                .filter(v -> v.getValueType() == JsonValue.ValueType.STRING).map(v -> ((JsonString) v).getString());
        Algorithm alg = Algorithm.named(algorithm)
                .orElseThrow(() -> new InvalidToken("The token's algorithm '" + abbreviate(algorithm)
                        + "' is not accepted (RS256, RS384, RS512, ES256, ES384)."));
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        byte[] signature = base64(parts[2], "signature");
        if (!verifiedBy(keys::keys, keyId, alg, signed, signature)
                && !verifiedBy(keys::refreshed, keyId, alg, signed, signature)) {
            throw new InvalidToken("The token's signature is not that of a key this server trusts.");
        }
        JsonObject claims = json(parts[1], "claims");
        Instant now = clock.instant();
        Instant expires = time(claims, "exp").orElseThrow(() -> new InvalidToken("The token has no expiry (exp)."));
        if (!now.isBefore(expires.plus(skew))) {
            throw new InvalidToken("The token has expired.");
        }
        Optional<Instant> notBefore = time(claims, "nbf");
        if (notBefore.isPresent() && now.plus(skew).isBefore(notBefore.get())) {
            throw new InvalidToken("The token is not valid yet (nbf).");
        }
        if (issuer.isPresent() && !issuer.get().equals(string(claims, "iss").orElse(null))) {
            throw new InvalidToken("The token was not issued by " + issuer.get() + ".");
        }
        if (!audiences.isEmpty() && strings(claims, "aud").stream().noneMatch(audiences::contains)) {
            throw new InvalidToken("The token is not meant for this service (aud).");
        }
        String subject = string(claims, "sub").filter(s -> !s.isEmpty() && s.length() <= 255
                        && s.chars().noneMatch(Character::isISOControl))
                .orElseThrow(() -> new InvalidToken("The token names no subject (sub)."));
        Set<String> groups = new HashSet<>(strings(claims, "groups"));
        groups.addAll(strings(claims, "roles"));
        return new VerifiedToken(subject, groups);
    }

    private static boolean verifiedBy(Supplier<List<PublicKeys.Key>> source, Optional<String> keyId, Algorithm alg,
                                      byte[] signed, byte[] signature) {
        for (PublicKeys.Key key : source.get()) {
            if (keyId.isPresent() && key.id().isPresent() && !keyId.equals(key.id())) {
                continue;
            }
            if (alg.fits(key.key()) && alg.verifies(key.key(), signed, signature)) {
                return true;
            }
        }
        return false;
    }

    /** The accepted signature algorithms, by their JWS names. */
    private enum Algorithm {
        RS256("SHA256withRSA", true), RS384("SHA384withRSA", true), RS512("SHA512withRSA", true),
        ES256("SHA256withECDSAinP1363Format", false), ES384("SHA384withECDSAinP1363Format", false);

        private final String jca;
        private final boolean rsa;

        Algorithm(String jca, boolean rsa) {
            this.jca = jca;
            this.rsa = rsa;
        }

        static Optional<Algorithm> named(String name) {
            for (Algorithm a : values()) {
                if (a.name().equals(name)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }

        boolean fits(PublicKey key) {
            return rsa ? key instanceof RSAPublicKey : key instanceof ECPublicKey;
        }

        boolean verifies(PublicKey key, byte[] signed, byte[] signature) {
            try {
                Signature verifier = Signature.getInstance(jca);
                verifier.initVerify(key);
                verifier.update(signed);
                return verifier.verify(signature);
            } catch (GeneralSecurityException | RuntimeException e) {
                return false;
            }
        }
    }

    private static JsonObject json(String part, String what) throws InvalidToken {
        byte[] bytes = base64(part, what);
        try (JsonReader reader = Json.createReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)))) {
            return reader.readObject();
        } catch (RuntimeException e) {
            throw new InvalidToken("The token's " + what + " is not a JSON object.");
        }
    }

    private static byte[] base64(String part, String what) throws InvalidToken {
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw new InvalidToken("The token's " + what + " is not Base64url.");
        }
    }

    private static Optional<Instant> time(JsonObject claims, String name) throws InvalidToken {
        JsonValue value = claims.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value.getValueType() != JsonValue.ValueType.NUMBER) {
            throw new InvalidToken("The token's " + name + " is not a number of seconds.");
        }
        return Optional.of(Instant.ofEpochSecond(((JsonNumber) value).longValue()));
    }

    private static Optional<String> string(JsonObject claims, String name) {
        JsonValue value = claims.get(name);
        return value != null && value.getValueType() == JsonValue.ValueType.STRING
                ? Optional.of(((JsonString) value).getString()) : Optional.empty();
    }

    /** A claim that is one string or an array of strings (aud, groups, roles); anything else is none. */
    private static List<String> strings(JsonObject claims, String name) {
        JsonValue value = claims.get(name);
        if (value == null) {
            return List.of();
        }
        if (value.getValueType() == JsonValue.ValueType.STRING) {
            return List.of(((JsonString) value).getString());
        }
        if (value.getValueType() == JsonValue.ValueType.ARRAY) {
            return ((JsonArray) value).stream().filter(v -> v.getValueType() == JsonValue.ValueType.STRING)
                    .map(v -> ((JsonString) v).getString()).toList();
        }
        return List.of();
    }

    private static String abbreviate(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 20 ? clean.substring(0, 20) + "…" : clean;
    }
}
