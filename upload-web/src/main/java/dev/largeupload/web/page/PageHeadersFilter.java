package dev.largeupload.web.page;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Serves the upload page (everything outside {@code /api}: the HTML, its style sheet, its ES modules,
 * the icons, and the container's answers for paths that do not exist) with a strict
 * Content-Security-Policy, frame protection, no referrer and {@code nosniff}. The page loads only
 * its own files and talks only to its own origin (and, when this server offers direct transfers, to the
 * one storage endpoint it sends blocks to: {@link PagePolicy}), so the policy allows nothing else: no
 * inline script or style, no eval, no plugins, no framing by any site. The API's answers are left to
 * the API's own filters.
 */
@WebFilter(filterName = "PageHeadersFilter", urlPatterns = "/*")
public class PageHeadersFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    /** What the page may load and where it may send requests: its own origin only (without direct transfers). */
    public static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    @Inject
    transient PagePolicy policy;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!isApi(request)) {
            response.setHeader("Content-Security-Policy", policy != null ? policy.contentSecurityPolicy() : CONTENT_SECURITY_POLICY);
            // For browsers that predate frame-ancestors.
            response.setHeader("X-Frame-Options", "DENY");
            response.setHeader("Referrer-Policy", "no-referrer");
            response.setHeader("X-Content-Type-Options", "nosniff");
        }
        chain.doFilter(request, response);
    }

    private static boolean isApi(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.equals("/api") || path.startsWith("/api/");
    }
}
