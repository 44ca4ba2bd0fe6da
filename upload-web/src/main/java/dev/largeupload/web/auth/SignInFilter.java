package dev.largeupload.web.auth;

import dev.largeupload.domain.model.Caller;
import dev.largeupload.web.http.Problem;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * Signs each {@code /api} request's caller in, when {@link SignIn} is on: a request with
 * {@code Authorization: Bearer <token>} is its token's subject once the token verifies, and one without is
 * anonymous; a write ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}) needs a valid token. A missing or
 * invalid token answers 401 problem+json {@code auth.unauthorized} with {@code WWW-Authenticate: Bearer} (RFC 6750)
 * before anything is read or changed. The caller is kept in {@link CurrentCaller} for the request's thread.
 * Off, it does nothing.
 */
public class SignInFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    static final String CODE = "auth.unauthorized";
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final String BEARER = "bearer ";

    @Inject
    transient SignIn signIn;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!signIn.enabled()) {
            chain.doFilter(request, response);
            return;
        }
        Caller caller;
        String authorization = request.getHeader("Authorization");
        if (authorization == null || authorization.isBlank()) {
            if (WRITES.contains(effectiveMethod(request))) {
                refuse(request, response, "Bearer", "Sign in first: this request needs an Authorization: Bearer token.");
                return;
            }
            caller = Caller.ANONYMOUS;
        } else if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            refuse(request, response, "Bearer error=\"invalid_request\"",
                    "The Authorization header must be a Bearer token.");
            return;
        } else {
            try {
                caller = signIn.callerOf(authorization.substring(BEARER.length()).strip());
            } catch (InvalidToken e) {
                refuse(request, response, "Bearer error=\"invalid_token\"", e.getMessage());
                return;
            }
        }
        CurrentCaller.set(caller);
        try {
            chain.doFilter(request, response);
        } finally {
            CurrentCaller.clear();
        }
    }

    /** The method, or the one a tus client asks for through {@code X-HTTP-Method-Override}. */
    private static String effectiveMethod(HttpServletRequest request) {
        String override = request.getHeader("X-HTTP-Method-Override");
        String method = override == null || override.isBlank() ? request.getMethod() : override.strip();
        return method.toUpperCase(Locale.ROOT);
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, String challenge,
                               String detail) throws IOException {
        Problem problem = Problem.of(401, CODE, "Sign-in required", detail).instance(request.getRequestURI());
        response.setHeader("WWW-Authenticate", challenge);
        problem.writeAsApi(response);
    }
}
