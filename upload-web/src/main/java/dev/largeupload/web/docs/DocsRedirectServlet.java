package dev.largeupload.web.docs;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code /docs}, where the Python service served its API documentation, leads to the interactive OpenAPI page
 * that Liberty's mpOpenAPI feature serves at {@code /openapi/ui/} (the document itself is {@code /openapi}).
 */
@WebServlet({"/docs", "/docs/"})
public class DocsRedirectServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String UI = "/openapi/ui/";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // A relative Location: sendRedirect would make it absolute from the client's Host header.
        response.setStatus(HttpServletResponse.SC_FOUND);
        response.setHeader("Location", UI);
    }
}
