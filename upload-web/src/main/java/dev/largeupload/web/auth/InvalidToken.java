package dev.largeupload.web.auth;

/** A bearer token that does not sign anyone in: malformed, badly signed, expired, not yet valid, or of another issuer. */
public final class InvalidToken extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param reason what is wrong, for the client (it names no key and no claim value but the issuer expected) */
    public InvalidToken(String reason) {
        super(reason);
    }
}
