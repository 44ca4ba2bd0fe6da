package dev.largeupload.benchmark;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * tus-js-client 4.3.1 on Node, unmodified, from the project's npm lock: one upload by
 * {@code node upload-web/src/test/node/tus-js-upload.mjs} (the script the tus client tests use), with the
 * client's defaults ({@code chunkSize: Infinity}: one {@code POST}, then one {@code PATCH} of the whole
 * file). Its time is the client's own, from {@code start()} to {@code onSuccess}, so node's start-up is not
 * in it.
 */
final class TusJsUpload {

    static final String SCRIPT = "upload-web/src/test/node/tus-js-upload.mjs";

    /** A finished upload: its URL and the client's seconds from start to success. */
    record Result(URI url, double seconds) {
    }

    private TusJsUpload() {
    }

    static Result run(URI endpoint, Path file) {
        Path root = TusServer.projectRoot();
        for (String needed : List.of(SCRIPT, "node_modules/tus-js-client/package.json")) {
            if (!Files.exists(root.resolve(needed))) {
                throw new IllegalStateException(root.resolve(needed) + " is missing: run `npm ci` in " + root);
            }
        }
        List<String> command = List.of("node", root.resolve(SCRIPT).toString(), "--endpoint", endpoint.toString(),
                "--file", file.toAbsolutePath().toString(), "--progress-step", Long.toString(Long.MAX_VALUE / 2));
        try {
            Process process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
            List<String> lines = new ArrayList<>();
            JsonObject end = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                    if (line.startsWith("{\"event\":\"success\"") || line.startsWith("{\"event\":\"error\"")) {
                        end = Json.createReader(new StringReader(line)).readObject();
                    }
                }
            }
            int exit = process.waitFor();
            if (end == null || !end.getString("event").equals("success") || exit != 0) {
                throw new IllegalStateException("tus-js-client to " + endpoint + " failed (exit " + exit + "): "
                        + (end == null ? "no result" : end.getString("message", end.toString()))
                        + "\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 6), lines.size())));
            }
            return new Result(URI.create(end.getString("url")), end.getJsonNumber("seconds").doubleValue());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run node (it must be on the PATH)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
