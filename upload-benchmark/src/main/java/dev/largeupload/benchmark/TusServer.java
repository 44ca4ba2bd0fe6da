package dev.largeupload.benchmark;

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
 * The peer of the end-to-end case: {@code @tus/server} with {@code @tus/file-store} from the
 * project's npm lock (devDependencies only, never part of the product), started as
 * {@code node upload-benchmark/src/main/node/tus-server.mjs PORT DIRECTORY} with the {@code node}
 * on the PATH, on a free port of 127.0.0.1, serving {@code /files/}. A missing node or a missing
 * {@code npm ci} fails the case, with or without {@code CI=true}: it is never skipped.
 */
final class TusServer implements AutoCloseable {

    static final String SCRIPT = "upload-benchmark/src/main/node/tus-server.mjs";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path directory;
    private final Path log;

    private TusServer(Process process, int port, Path directory, Path log) {
        this.process = process;
        this.port = port;
        this.directory = directory;
        this.log = log;
    }

    /** Starts the peer with its uploads in {@code workDir/files} and waits for its ready line. */
    static TusServer start(Path workDir) {
        Path root = projectRoot();
        try {
            Path directory = Files.createDirectories(workDir.resolve("files"));
            Path log = workDir.resolve("tus-server.log");
            int port = ServerProcess.freePort();
            ProcessBuilder builder = new ProcessBuilder(List.of("node", root.resolve(SCRIPT).toString(),
                    Integer.toString(port), directory.toString()))
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot start node (it must be on the PATH for the @tus/server peer"
                        + ciNote() + "): " + e.getMessage(), e);
            }
            TusServer server = new TusServer(process, port, directory, log);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The upload creation URL, {@code http://127.0.0.1:PORT/files/}. */
    URI filesUrl() {
        return URI.create("http://127.0.0.1:" + port + "/files/");
    }

    /** Where @tus/file-store keeps the bytes of upload {@code id}. */
    Path fileOf(String id) {
        return directory.resolve(id);
    }

    ProcessHandle process() {
        return process.toHandle();
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!logText().contains("tus-server ready")) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                close();
                throw new IllegalStateException("@tus/server did not start (" + START_TIMEOUT + "); its output:\n" + logText());
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        Bench.log("  " + logText().strip());
    }

    private String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL after 10 s; waits until node has exited. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The first directory above the working directory with package.json; it must hold the script and the installed peer. */
    static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("package.json"))) {
                for (String needed : List.of(SCRIPT, "node_modules/@tus/server/package.json", "node_modules/@tus/file-store/package.json")) {
                    if (!Files.isRegularFile(dir.resolve(needed))) {
                        throw new IllegalStateException("@tus/server is not installed: " + dir.resolve(needed)
                                + " is missing. Run `npm ci` in " + dir + ciNote() + ".");
                    }
                }
                return dir;
            }
        }
        throw new IllegalStateException("No package.json above " + Path.of("").toAbsolutePath()
                + ": cannot find @tus/server. Run the benchmark from the project, after `npm ci`.");
    }

    private static String ciNote() {
        return Boolean.parseBoolean(System.getenv("CI")) ? " (CI=true: a missing peer fails the build)" : "";
    }
}
