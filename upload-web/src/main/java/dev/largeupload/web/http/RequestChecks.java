package dev.largeupload.web.http;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checks a request passes before any application code sees it: how its body is framed, its
 * {@code Host}, the characters of its target, and headers that must not repeat. Each check answers the
 * reason for refusing, or nothing. They exist because the container reads some of these loosely
 * (Liberty's HTTP channel wraps a {@code Content-Length} past 2^64 around, takes one of two different
 * lengths, and ignores transfer codings it does not know), and because a {@code Host} or target that is
 * not valid URI syntax makes the JAX-RS runtime throw while it builds the request's URI, possibly after
 * the resource method has already changed state. A request that passes these checks has one reading
 * only, and a URI that can be built.
 */
public final class RequestChecks {

    /** Why a request is refused: a stable problem code and a sentence for the client. */
    public record Refusal(String code, String detail) {
    }

    static final String AMBIGUOUS_FRAMING = "request.ambiguous-framing";
    static final String INVALID_HOST = "request.invalid-host";
    static final String MALFORMED_TARGET = "request.malformed";
    static final String DUPLICATE_HEADER = "request.duplicate-header";

    /** Headers this service reads as one value; a second copy would leave which one counts to chance. */
    static final List<String> SINGLE_VALUED = List.of("Content-Type", "Content-MD5", "Content-Digest", "Upload-Token",
            "Range", "Content-Range");

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");
    /** host [":" port]: a registered name, an IPv4 address or a bracketed IPv6 literal. */
    private static final Pattern HOST = Pattern.compile("(?:[A-Za-z0-9._~-]+|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{0,5})?");

    private RequestChecks() {
    }

    /**
     * RFC 9112 section 6: at most one framing, read one way. A {@code Transfer-Encoding} is allowed only as
     * exactly {@code chunked}, on HTTP/1.1, without a {@code Content-Length}; a {@code Content-Length} only
     * once, as decimal digits, with the value the container itself uses for the body.
     */
    public static Optional<Refusal> framing(String protocol, List<String> contentLengths, List<String> transferEncodings,
                                            long containerLength) {
        if (!transferEncodings.isEmpty()) {
            if (!"HTTP/1.1".equals(protocol)) {
                return refuse(AMBIGUOUS_FRAMING, "Transfer-Encoding is HTTP/1.1 only.");
            }
            if (transferEncodings.size() != 1
                    || !transferEncodings.get(0).strip().toLowerCase(Locale.ROOT).equals("chunked")) {
                return refuse(AMBIGUOUS_FRAMING, "The only transfer coding accepted is 'Transfer-Encoding: chunked', once.");
            }
            if (!contentLengths.isEmpty()) {
                return refuse(AMBIGUOUS_FRAMING, "A request has either Content-Length or Transfer-Encoding, not both.");
            }
            return Optional.empty();
        }
        if (contentLengths.isEmpty()) {
            return Optional.empty();
        }
        if (contentLengths.size() != 1) {
            return refuse(AMBIGUOUS_FRAMING, "Content-Length must be sent once.");
        }
        String value = contentLengths.get(0).strip();
        if (!DIGITS.matcher(value).matches()) {
            return refuse(AMBIGUOUS_FRAMING, "Content-Length must be one decimal number of bytes.");
        }
        long length;
        try {
            length = Long.parseLong(value);
        } catch (NumberFormatException e) {
            return refuse(AMBIGUOUS_FRAMING, "Content-Length is larger than any body this server reads.");
        }
        if (length != containerLength) {
            return refuse(AMBIGUOUS_FRAMING, "Content-Length could not be read as one unambiguous number.");
        }
        return Optional.empty();
    }

    /** RFC 9112 section 3.2: exactly one {@code Host} on HTTP/1.1, a valid URI authority without user info. */
    public static Optional<Refusal> host(String protocol, List<String> hosts) {
        if (hosts.isEmpty()) {
            return "HTTP/1.1".equals(protocol) ? refuse(INVALID_HOST, "An HTTP/1.1 request must carry a Host header.")
                    : Optional.empty();
        }
        if (hosts.size() != 1) {
            return refuse(INVALID_HOST, "Host must be sent once.");
        }
        String host = hosts.get(0).strip();
        if (!HOST.matcher(host).matches() || !buildsAUri(host)) {
            return refuse(INVALID_HOST, "Host must be a host name or address, optionally with ':port'.");
        }
        return Optional.empty();
    }

    /**
     * RFC 3986: the path and query hold only URI characters (unreserved, sub-delims, {@code : @ / ?}) and
     * well-formed percent escapes; a brace, angle bracket, quote, space or raw non-ASCII byte is refused.
     */
    public static Optional<Refusal> target(String rawPath, String rawQuery) {
        if (!isUriText(rawPath) || rawQuery != null && !isUriText(rawQuery)) {
            return refuse(MALFORMED_TARGET, "The request target holds characters a URI may not contain; "
                    + "percent-encode them (for example '{' as %7B).");
        }
        return Optional.empty();
    }

    /** A header from {@link #SINGLE_VALUED} sent more than once. */
    public static Optional<Refusal> repeated(String name, int count) {
        return count > 1 ? refuse(DUPLICATE_HEADER, name + " must be sent once.") : Optional.empty();
    }

    private static boolean isUriText(String text) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length() || !isHex(text.charAt(i + 1)) || !isHex(text.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /** What the JAX-RS runtime does with the Host: if this throws there, it must not get that far. */
    private static boolean buildsAUri(String host) {
        try {
            URI.create("http://" + host + "/");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Optional<Refusal> refuse(String code, String detail) {
        return Optional.of(new Refusal(code, detail));
    }
}
