package dev.largeupload.web.auth;

import dev.largeupload.domain.model.Caller;
import java.util.Optional;

/**
 * The caller of the request this thread is serving, as {@link SignInFilter} verified it, for the code below it
 * ({@link CallerScopedMetadataStore}, the resources). Empty on a thread that serves no request (the expiry sweep,
 * the block recorders), which acts for the system and sees every upload.
 */
public final class CurrentCaller {

    private static final ThreadLocal<Caller> CALLER = new ThreadLocal<>();

    private CurrentCaller() {
    }

    /** The caller of the request on this thread; empty outside a request. */
    public static Optional<Caller> get() {
        return Optional.ofNullable(CALLER.get());
    }

    /** The caller of the request on this thread, anonymous outside one (for what a response shows). */
    public static Caller orAnonymous() {
        return get().orElse(Caller.ANONYMOUS);
    }

    static void set(Caller caller) {
        CALLER.set(caller);
    }

    static void clear() {
        CALLER.remove();
    }
}
