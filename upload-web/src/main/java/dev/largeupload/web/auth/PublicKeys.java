package dev.largeupload.web.auth;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The verification keys of a sign-in, parsed from the text MicroProfile JWT accepts for
 * {@code mp.jwt.verify.publickey} and at {@code mp.jwt.verify.publickey.location}: a PEM public key
 * ({@code -----BEGIN PUBLIC KEY-----}, RSA or EC), the Base64 of one without its armour, one JSON Web Key, or a
 * JSON Web Key Set ({@code {"keys": [...]}}, what an OpenID provider publishes at its {@code jwks_uri}). Keys of
 * other types (symmetric, OKP) and keys meant for encryption ({@code "use": "enc"}) are left out.
 */
final class PublicKeys {

    /** One key, with its {@code kid} when the set named it. */
    record Key(Optional<String> id, PublicKey key) {
    }

    private PublicKeys() {
    }

    /**
     * The keys in {@code text}.
     *
     * @throws IllegalArgumentException if it holds no usable key, naming what was wrong
     */
    static List<Key> parse(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("{")) {
            return jwks(trimmed);
        }
        String base64 = trimmed.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        if (trimmed.contains("-----BEGIN") && !trimmed.contains("-----BEGIN PUBLIC KEY-----")) {
            throw new IllegalArgumentException("a PEM public key starts with -----BEGIN PUBLIC KEY----- (not a certificate or a private key)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("neither a PEM public key nor a JSON Web Key (Set)");
        }
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return List.of(new Key(Optional.empty(), KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der))));
            } catch (GeneralSecurityException e) {
                // try the next type
            }
        }
        throw new IllegalArgumentException("the PEM public key is neither an RSA nor an EC key");
    }

    private static List<Key> jwks(String json) {
        JsonObject object;
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            object = reader.readObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the JSON Web Key (Set) is not a JSON object");
        }
        List<JsonObject> candidates = new ArrayList<>();
        if (object.containsKey("keys")) {
            JsonArray keys = object.getJsonArray("keys");
            for (JsonValue value : keys) {
                if (value.getValueType() == JsonValue.ValueType.OBJECT) {
                    candidates.add(value.asJsonObject());
                }
            }
        } else {
            candidates.add(object);
        }
        List<Key> keys = new ArrayList<>();
        for (JsonObject jwk : candidates) {
            if ("enc".equals(jwk.getString("use", "sig"))) {
                continue;
            }
            Optional<String> id = Optional.ofNullable(jwk.getString("kid", null));
            try {
                switch (jwk.getString("kty", "").toUpperCase(Locale.ROOT)) {
                    case "RSA" -> keys.add(new Key(id, KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                            unsigned(jwk.getString("n")), unsigned(jwk.getString("e"))))));
                    case "EC" -> keys.add(new Key(id, ec(jwk)));
                    default -> {
                        // a symmetric or OKP key: not for this verifier
                    }
                }
            } catch (GeneralSecurityException | RuntimeException e) {
                // A malformed key in a provider's set must not hide the good ones; with none left, parse fails.
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("the JSON Web Key Set holds no RSA or EC signing key");
        }
        return List.copyOf(keys);
    }

    private static PublicKey ec(JsonObject jwk) throws GeneralSecurityException {
        String curve = switch (jwk.getString("crv", "")) {
            case "P-256" -> "secp256r1";
            case "P-384" -> "secp384r1";
            case "P-521" -> "secp521r1";
            default -> throw new GeneralSecurityException("unknown curve");
        };
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec(curve));
        ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
        ECPoint point = new ECPoint(unsigned(jwk.getString("x")), unsigned(jwk.getString("y")));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
    }

    private static BigInteger unsigned(String base64Url) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(base64Url));
    }
}
