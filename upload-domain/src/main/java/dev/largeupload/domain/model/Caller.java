package dev.largeupload.domain.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Who is asking, as far as uploads care: the subject of a verified sign-in (empty for a caller who is not signed
 * in) and whether that caller administers uploads (sees and deletes every one). An anonymous caller is never an
 * administrator. The domain does not verify anyone: the edge that verified the sign-in makes the caller.
 *
 * @param subject the signed-in subject (a token's {@code sub}), or empty
 * @param admin   whether the caller may see and delete every upload
 */
public record Caller(Optional<String> subject, boolean admin) {

    /** No one signed in. */
    public static final Caller ANONYMOUS = new Caller(Optional.empty(), false);

    public Caller {
        Objects.requireNonNull(subject, "subject");
        if (admin && subject.isEmpty()) {
            throw new IllegalArgumentException("an administrator is signed in");
        }
    }

    /** A signed-in caller. */
    public static Caller signedIn(String subject, boolean admin) {
        return new Caller(Optional.of(subject), admin);
    }

    /** Whether a sign-in was verified for this caller. */
    public boolean isSignedIn() {
        return subject.isPresent();
    }
}
