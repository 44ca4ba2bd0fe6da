package dev.largeupload.web.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Refuses, before any servlet or resource runs, every request that {@link RequestChecks} finds
 * ambiguous: framing ({@code Content-Length}, {@code Transfer-Encoding}), {@code Host}, the target's
 * characters, repeated single-valued headers. The answer is {@code 400} problem+json with
 * {@code Connection: close}: the bytes after such a request's head cannot be trusted to be its body, so
 * the connection is closed rather than read for another request (which, behind a proxy that framed the
 * bytes differently, would be a smuggled one). Nothing has been read from the body and nothing changed.
 * It is declared first in {@code web.xml}, mapped to every path.
 */
public class RequestFramingFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Optional<RequestChecks.Refusal> refusal = check(request);
        if (refusal.isPresent()) {
            response.setHeader("Connection", "close");
            Problem.of(400, refusal.get().code(), "Request refused", refusal.get().detail())
                    .instance(RequestChecks.target(request.getRequestURI(), null).isEmpty() ? request.getRequestURI() : null)
                    .write(response);
            return;
        }
        chain.doFilter(request, response);
    }

    static Optional<RequestChecks.Refusal> check(HttpServletRequest request) {
        String protocol = request.getProtocol();
        Optional<RequestChecks.Refusal> refusal = RequestChecks.framing(protocol, values(request, "Content-Length"),
                        values(request, "Transfer-Encoding"), request.getContentLengthLong())
                .or(() -> RequestChecks.host(protocol, values(request, "Host")))
                .or(() -> RequestChecks.target(request.getRequestURI(), request.getQueryString()));
        for (String name : RequestChecks.SINGLE_VALUED) {
            if (refusal.isPresent()) {
                break;
            }
            refusal = RequestChecks.repeated(name, values(request, name).size());
        }
        return refusal;
    }

    private static List<String> values(HttpServletRequest request, String name) {
        var values = request.getHeaders(name);
        return values == null ? List.of() : Collections.list(values);
    }
}
