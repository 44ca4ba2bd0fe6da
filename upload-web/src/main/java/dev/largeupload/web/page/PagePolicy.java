package dev.largeupload.web.page;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The Content-Security-Policy the page is served with: its own origin only, plus, when this server offers direct
 * transfers, the one storage origin the page sends blocks to ({@code connect-src}; nothing else widens). Built
 * once at start by the wiring from what the server offers.
 *
 * @param connectOrigins origins besides {@code 'self'} the page may send requests to ({@code scheme://host[:port]})
 */
public record PagePolicy(List<String> connectOrigins) {

    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.\\-\\[\\]:]+");

    public PagePolicy {
        connectOrigins = List.copyOf(connectOrigins);
        for (String origin : connectOrigins) {
            if (!ORIGIN.matcher(origin).matches()) {
                throw new IllegalArgumentException("not an origin: " + origin);
            }
        }
    }

    /** The page talks to its own origin only. */
    public static PagePolicy selfOnly() {
        return new PagePolicy(List.of());
    }

    /** The policy's header value. */
    public String contentSecurityPolicy() {
        if (connectOrigins.isEmpty()) {
            return PageHeadersFilter.CONTENT_SECURITY_POLICY;
        }
        return PageHeadersFilter.CONTENT_SECURITY_POLICY.replace("connect-src 'self'",
                "connect-src 'self' " + String.join(" ", connectOrigins));
    }
}
