package dev.largeupload.web.hooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of every hook request: {@code Hook-Signature: sha256=<lower-case hex HMAC-SHA256 of the raw body,
 * keyed with HOOK_SECRET>}, as GitHub's and Stripe's webhooks sign theirs. The body carries its own timestamp
 * ({@code created_at}), so a receiver that checks the signature and refuses old timestamps refuses replays.
 */
public final class HookSignature {

    /** The header that carries the signature. */
    public static final String HEADER = "Hook-Signature";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public HookSignature(String secret) {
        this.key = new SecretKeySpec(Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** The header's value for {@code body}: {@code sha256=} and the hex HMAC. */
    public String of(byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HMAC-SHA256", e);
        }
    }
}
