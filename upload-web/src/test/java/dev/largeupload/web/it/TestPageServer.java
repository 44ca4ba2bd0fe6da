package dev.largeupload.web.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A static server for a test-only page, never the product's: the page's own files from
 * {@code upload-web/src/test/node/uppy-page} at {@code /}, the project's {@code node_modules} as they are
 * at {@code /node_modules/…}, and at {@code /cjs/…} a CommonJS file of {@code node_modules} wrapped as an
 * ES module (its default export is {@code module.exports}; each {@code require} of a package is the
 * package's main file wrapped the same way), so that a browser loads Uppy's ES modules and their few
 * CommonJS dependencies through an import map, without a build step. On 127.0.0.1, a free port.
 */
final class TestPageServer implements AutoCloseable {

    static final String PAGE = "upload-web/src/test/node/uppy-page";
    private static final Pattern REQUIRE = Pattern.compile("require\\(\\s*['\"]([^'\"]+)['\"]\\s*\\)");

    private final HttpServer http;
    private final Path page;
    private final Path modules;

    private TestPageServer(HttpServer http, Path root) {
        this.http = http;
        this.page = root.resolve(PAGE).normalize();
        this.modules = root.resolve("node_modules").normalize();
    }

    static TestPageServer start() {
        Path root = NodeProject.root(PAGE + "/index.html", "node_modules/@uppy/core/package.json",
                "node_modules/@uppy/tus/package.json", "node_modules/tus-js-client/dist/tus.js");
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            TestPageServer server = new TestPageServer(http, root);
            http.createContext("/", server::serve);
            http.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT}, the page's origin (for the tus server's CORS allow-list). */
    String origin() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    URI url(String pathAndQuery) {
        return URI.create(origin() + pathAndQuery);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET")) {
                answer(exchange, 405, "text/plain", "GET only".getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/node_modules/")) {
                file(exchange, modules, path.substring("/node_modules/".length()));
            } else if (path.startsWith("/cjs/")) {
                Path file = inside(modules, path.substring("/cjs/".length()));
                if (file == null || !Files.isRegularFile(file)) {
                    answer(exchange, 404, "text/plain", ("no " + path).getBytes(StandardCharsets.UTF_8));
                } else {
                    answer(exchange, 200, "text/javascript", wrapCommonJs(file).getBytes(StandardCharsets.UTF_8));
                }
            } else {
                file(exchange, page, path.equals("/") ? "index.html" : path.substring(1));
            }
        }
    }

    private void file(HttpExchange exchange, Path base, String relative) throws IOException {
        Path file = inside(base, relative);
        if (file == null || !Files.isRegularFile(file)) {
            answer(exchange, 404, "text/plain", ("no " + relative).getBytes(StandardCharsets.UTF_8));
            return;
        }
        String name = file.getFileName().toString();
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".js") || name.endsWith(".mjs") ? "text/javascript"
                : name.endsWith(".css") ? "text/css" : name.endsWith(".json") ? "application/json" : "application/octet-stream";
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, Files.size(file));
        try (OutputStream out = exchange.getResponseBody()) {
            Files.copy(file, out);
        }
    }

    /** {@code relative} under {@code base}, or null if it would leave it. */
    private static Path inside(Path base, String relative) {
        Path file = base.resolve(relative).normalize();
        return file.startsWith(base) ? file : null;
    }

    /**
     * The CommonJS {@code file} as an ES module: its source runs as a sloppy-mode function of
     * {@code module, exports, require} (as Node runs it), {@code require} answering the packages it names,
     * each imported from {@code /cjs/} first. A relative {@code require} is not supported (fails loudly).
     */
    private String wrapCommonJs(Path file) throws IOException {
        String source = Files.readString(file);
        Map<String, String> imports = new LinkedHashMap<>();
        Matcher require = REQUIRE.matcher(source);
        while (require.find()) {
            String name = require.group(1);
            if (!name.startsWith(".") && Files.isRegularFile(modules.resolve(name).resolve("package.json"))) {
                imports.putIfAbsent(name, "/cjs/" + name + "/" + mainOf(name));
            }
        }
        StringBuilder module = new StringBuilder();
        int i = 0;
        StringBuilder table = new StringBuilder("const __deps = {");
        for (Map.Entry<String, String> entry : imports.entrySet()) {
            module.append("import __dep").append(i).append(" from ").append(quote(entry.getValue())).append(";\n");
            table.append(quote(entry.getKey())).append(": __dep").append(i).append(", ");
            i++;
        }
        module.append(table).append("};\n")
                .append("const module = { exports: {} };\n")
                .append("const require = (name) => { if (name in __deps) return __deps[name]; ")
                .append("throw new Error('TestPageServer: ").append(file.getFileName()).append(" requires ' + name + ', which is not wrapped'); };\n")
                .append("new Function('module', 'exports', 'require', ").append(quote(source)).append(")")
                .append(".call(globalThis, module, module.exports, require);\n")
                .append("export default module.exports;\n");
        return module.toString();
    }

    private String mainOf(String name) throws IOException {
        String packageJson = Files.readString(modules.resolve(name).resolve("package.json"));
        String main = Json.createReader(new StringReader(packageJson)).readObject().getString("main", "index.js");
        main = main.startsWith("./") ? main.substring(2) : main;
        return main.endsWith(".js") ? main : main + ".js";
    }

    private static String quote(String text) {
        return Json.createValue(text).toString();
    }

    private static void answer(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
