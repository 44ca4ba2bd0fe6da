package dev.largeupload.web.http;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The error page for failures the servlet container answers itself, before the API sees the
 * request (a malformed or unsafe URL, a path outside the API): a problem document, never an HTML
 * page or a stack trace.
 */
@WebServlet("/problem")
public class ContainerErrorServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 404;
        if (status < 400 || status > 599) {
            status = 500;
        }
        String problemCode = switch (status) {
            case 400 -> "request.malformed";
            case 404 -> "request.no-such-resource";
            case 405 -> "request.method-not-allowed";
            case 413 -> "request.too-large";
            default -> status >= 500 ? "server.internal-error" : "request.refused";
        };
        String detail = switch (status) {
            case 400 -> "The request could not be understood (for example an encoded '/' in the path).";
            case 404 -> "There is no such resource; the API lives under /api (see /api/config).";
            default -> "The request was refused.";
        };
        Problem.of(status, problemCode, status >= 500 ? "Internal server error" : "Request refused", detail).write(response);
    }
}
