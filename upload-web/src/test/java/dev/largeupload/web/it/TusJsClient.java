package dev.largeupload.web.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * tus-js-client on Node, from the project's npm lock: one process of {@code upload-web/src/test/node/tus-js-upload.mjs}
 * (its header lists the options) uploading one file. Every line it prints is a JSON event (request, response,
 * stored, progress, success, error) that the test reads as it comes, so that it can act at a point of the
 * upload (when so many bytes were sent) without a fixed sleep.
 */
final class TusJsClient implements AutoCloseable {

    static final String SCRIPT = "upload-web/src/test/node/tus-js-upload.mjs";
    private static final Duration LONGEST = Duration.ofMinutes(10);

    private final Process process;
    private final List<JsonObject> events = new ArrayList<>();
    private final StringBuilder other = new StringBuilder();
    private final Thread reader;
    /** Whether the client's output has ended (it exited or was killed). */
    private boolean ended;

    private TusJsClient(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "tus-js-client output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts an upload of {@code file} to {@code endpoint}; {@code options} are the script's other options. */
    static TusJsClient start(URI endpoint, Path file, String... options) {
        Path root = NodeProject.root(SCRIPT, "node_modules/tus-js-client/package.json");
        List<String> command = new ArrayList<>(List.of("node", root.resolve(SCRIPT).toString(),
                "--endpoint", endpoint.toString(), "--file", file.toAbsolutePath().toString()));
        command.addAll(List.of(options));
        try {
            return new TusJsClient(new ProcessBuilder(command).directory(root.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node (it must be on the PATH)", e);
        }
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                synchronized (this) {
                    if (line.startsWith("{")) {
                        events.add(Json.createReader(new StringReader(line)).readObject());
                    } else {
                        other.append(line).append('\n');
                    }
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the process was killed
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** Waits until an event matching {@code condition} arrives (or is already there); fails if the client exits first. */
    synchronized JsonObject await(String what, Predicate<JsonObject> condition) throws InterruptedException {
        long deadline = System.nanoTime() + LONGEST.toNanos();
        for (int seen = 0; ; ) {
            for (; seen < events.size(); seen++) {
                if (condition.test(events.get(seen))) {
                    return events.get(seen);
                }
            }
            if (ended) {
                throw new AssertionError("tus-js-client ended before " + what + ":\n" + transcript());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + what + " within " + LONGEST + ":\n" + transcript());
            }
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }

    /** Waits until the first progress event at or beyond {@code bytes}. */
    JsonObject awaitProgress(long bytes) throws InterruptedException {
        return await("progress to " + bytes + " bytes",
                e -> e.getString("event").equals("progress") && e.getJsonNumber("bytes").longValue() >= bytes);
    }

    /** Waits for the end of the upload: the success event (fails on an error event). */
    JsonObject awaitSuccess() throws InterruptedException {
        JsonObject end = awaitEnd();
        if (!end.getString("event").equals("success")) {
            throw new AssertionError("tus-js-client failed: " + end.getString("message") + "\n" + transcript());
        }
        return end;
    }

    /** Waits for the client's last event, success or error, and for the process to exit. */
    JsonObject awaitEnd() throws InterruptedException {
        JsonObject end = await("success or error", e -> e.getString("event").equals("success") || e.getString("event").equals("error"));
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            throw new AssertionError("tus-js-client did not exit after " + end);
        }
        reader.join(TimeUnit.MINUTES.toMillis(1));
        return end;
    }

    /** Every event so far with the given name. */
    synchronized List<JsonObject> events(String event) {
        return events.stream().filter(e -> e.getString("event").equals(event)).toList();
    }

    /** The requests sent with {@code method}, in order. */
    List<JsonObject> requests(String method) {
        return events("request").stream().filter(e -> e.getString("method").equals(method)).toList();
    }

    /** The responses to {@code method}, in order. */
    List<JsonObject> responses(String method) {
        return events("response").stream().filter(e -> e.getString("method").equals(method)).toList();
    }

    /** A header of an event's "headers" object. */
    static Optional<String> header(JsonObject event, String name) {
        JsonObject headers = event.getJsonObject("headers");
        return headers.containsKey(name) ? Optional.of(headers.getString(name)) : Optional.empty();
    }

    /** Everything the client printed, for failure messages. */
    synchronized String transcript() {
        StringBuilder all = new StringBuilder();
        events.forEach(e -> all.append(e).append('\n'));
        return all.append(other).toString();
    }

    /** SIGKILL to the client, as a crashed client would die. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
