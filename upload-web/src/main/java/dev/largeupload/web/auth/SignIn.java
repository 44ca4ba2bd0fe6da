package dev.largeupload.web.auth;

import dev.largeupload.domain.model.Caller;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.port.OwnerQuota;
import dev.largeupload.web.config.ConfigurationException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Optional sign-in with MicroProfile JWT bearer tokens, configured by MicroProfile JWT's own keys (so also by
 * their environment variables, {@code MP_JWT_VERIFY_PUBLICKEY_LOCATION} …): off unless
 * {@value #PUBLIC_KEY} or {@value #PUBLIC_KEY_LOCATION} is set. When on, {@link SignInFilter} verifies each
 * request's token with {@link JwtVerifier} and every {@code /api} write needs one; an upload belongs to its
 * creator's {@code sub}; the group {@value #ADMIN_GROUP} sees and deletes every upload. Quotas per subject
 * ({@value #QUOTA_UPLOADS}, {@value #QUOTA_BYTES}) apply to signed-in creators. Bad configuration fails the
 * application at start with one line naming the key.
 */
@ApplicationScoped
public class SignIn {

    public static final String PUBLIC_KEY = "mp.jwt.verify.publickey";
    public static final String PUBLIC_KEY_LOCATION = "mp.jwt.verify.publickey.location";
    public static final String ISSUER = "mp.jwt.verify.issuer";
    public static final String AUDIENCES = "mp.jwt.verify.audiences";
    public static final String CLOCK_SKEW = "mp.jwt.verify.clock.skew";
    public static final String QUOTA_UPLOADS = "QUOTA_ACTIVE_UPLOADS";
    public static final String QUOTA_BYTES = "QUOTA_ACTIVE_BYTES";
    /** The group (in a token's {@code groups} or {@code roles}) of those who see and delete every upload. */
    public static final String ADMIN_GROUP = "upload-admin";

    private static final Logger LOG = Logger.getLogger(SignIn.class.getName());

    private Optional<JwtVerifier> verifier = Optional.empty();
    private OwnerQuota quota = OwnerQuota.NONE;
    private boolean configured;

    /** Reads the configuration once, on first use (the wiring's start), so that a bad key fails the start. */
    private synchronized void configured() {
        if (!configured) {
            Config config = ConfigProvider.getConfig();
            configure(key -> config.getOptionalValue(key, String.class).map(String::strip).filter(v -> !v.isEmpty()));
        }
    }

    /** Reads the configuration from {@code lookup} (a test's map, or MicroProfile Config). */
    void configure(java.util.function.Function<String, Optional<String>> lookup) {
        configured = true;
        quota = new OwnerQuota((int) number(lookup, QUOTA_UPLOADS, Integer.MAX_VALUE), number(lookup, QUOTA_BYTES, Long.MAX_VALUE));
        Optional<String> key = lookup.apply(PUBLIC_KEY);
        Optional<String> location = lookup.apply(PUBLIC_KEY_LOCATION);
        if (key.isEmpty() && location.isEmpty()) {
            verifier = Optional.empty();
            return;
        }
        Optional<String> issuer = lookup.apply(ISSUER);
        Set<String> audiences = lookup.apply(AUDIENCES).map(a -> Arrays.stream(a.split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).collect(Collectors.toSet())).orElse(Set.of());
        Duration skew = Duration.ofSeconds(number(lookup, CLOCK_SKEW, 3600, "60"));
        Clock clock = Clock.systemUTC();
        if (key.isPresent()) {
            List<PublicKeys.Key> keys;
            try {
                keys = PublicKeys.parse(key.get());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(PUBLIC_KEY, e.getMessage());
            }
            verifier = Optional.of(JwtVerifier.of(keys, issuer, audiences, skew, clock));
        } else {
            KeyLocation keys = new KeyLocation(location.get(), clock);
            try {
                keys.load();
            } catch (IOException | RuntimeException e) {
                if (!keys.isHttp()) {
                    throw new ConfigurationException(PUBLIC_KEY_LOCATION, "cannot read keys from " + location.get() + ": "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                }
                // A provider out of reach at start must not keep the service down; it is asked again on use.
                LOG.warning("Sign-in keys at " + PUBLIC_KEY_LOCATION + " (" + location.get() + ") not read yet: "
                        + e.getMessage() + "; tokens are refused until they are.");
            }
            verifier = Optional.of(new JwtVerifier(keys, issuer, audiences, skew, clock));
        }
        LOG.info(() -> "Sign-in on: bearer tokens verified with " + (key.isPresent() ? PUBLIC_KEY : location.get())
                + issuer.map(i -> ", issuer " + i).orElse(", any issuer") + "; quota per subject " + quota);
    }

    private static long number(java.util.function.Function<String, Optional<String>> lookup, String key, long max) {
        return number(lookup, key, max, "0");
    }

    private static long number(java.util.function.Function<String, Optional<String>> lookup, String key, long max,
                               String fallback) {
        String value = lookup.apply(key).orElse(fallback);
        try {
            long number = Long.parseLong(value);
            if (number >= 0 && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException(key, "'" + value + "' is not a whole number from 0 to " + max);
    }

    /** Whether sign-in is on: a public key is configured. */
    public boolean enabled() {
        configured();
        return verifier.isPresent();
    }

    /** The quota of each signed-in subject (none when both values are 0). */
    public OwnerQuota quota() {
        configured();
        return quota;
    }

    /** {@code store} as each request's caller may see it when sign-in is on; {@code store} itself otherwise. */
    public MetadataStore scope(MetadataStore store) {
        return enabled() ? new CallerScopedMetadataStore(store, quota) : store;
    }

    /**
     * The caller that {@code bearerToken} signs in.
     *
     * @throws InvalidToken if it does not verify
     * @throws IllegalStateException if sign-in is off
     */
    Caller callerOf(String bearerToken) throws InvalidToken {
        configured();
        VerifiedToken token = verifier.orElseThrow(() -> new IllegalStateException("sign-in is off")).verify(bearerToken);
        return Caller.signedIn(token.subject(), token.groups().contains(ADMIN_GROUP));
    }
}
