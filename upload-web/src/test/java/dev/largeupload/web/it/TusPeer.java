package dev.largeupload.web.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code @tus/server} with {@code @tus/file-store} (the benchmark's peer, {@code tus-server.mjs}), as a
 * {@link TusTarget} for proving the client tests against a tus server that is not ours
 * ({@code -Dtus.it.target=tus-server}). It has creation, creation-with-upload, creation-defer-length,
 * expiration and termination, but no concatenation and no IETF draft. It is started with
 * {@code --method-override}: @tus/server 2.4.5 ignores {@code X-HTTP-Method-Override}, which tus-java-client
 * sends on every PATCH (as a POST), so the script hands such a request to it with the overriding method.
 * Killed, it is started again on the same port and directory.
 */
final class TusPeer implements TusTarget, AutoCloseable {

    private static final String SCRIPT = "upload-benchmark/src/main/node/tus-server.mjs";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path root;
    private final Path directory;
    private final int port;
    private Process process;
    private Path log;
    private int starts;

    private TusPeer(Path root, Path directory, int port) {
        this.root = root;
        this.directory = directory;
        this.port = port;
    }

    static TusPeer start(Path work) {
        Path root = NodeProject.root(SCRIPT, "node_modules/@tus/server/package.json", "node_modules/@tus/file-store/package.json");
        try {
            TusPeer peer = new TusPeer(root, Files.createDirectories(work.resolve("tus-server-files")), ServerProcess.freePort());
            peer.startAgain();
            return peer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port + "/files/");
    }

    @Override
    public boolean concatenation() {
        return false;
    }

    @Override
    public synchronized void startAgain() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("@tus/server is already running");
        }
        starts++;
        log = directory.resolveSibling("tus-server-" + starts + ".log");
        try {
            process = new ProcessBuilder(List.of("node", root.resolve(SCRIPT).toString(), Integer.toString(port), directory.toString(),
                            "--method-override"))
                    .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node (it must be on the PATH)", e);
        }
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!logText().contains("tus-server ready")) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroyForcibly();
                throw new IllegalStateException("@tus/server did not start within " + START_TIMEOUT + ":\n" + logText());
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public synchronized void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "@tus/server at " + endpoint();
    }
}
