package dev.largeupload.azure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Azurite's blob service, from the project's npm lock ({@code node_modules/.bin/azurite-blob}), on a
 * free port of 127.0.0.1 with its data in a temporary directory. It can be stopped and started again
 * on the same port and data directory, as a crashed and restarted Azure would be. A missing Azurite
 * fails the test, with or without {@code CI=true}: it is never skipped.
 */
public final class AzuriteServer implements AutoCloseable {

    /** Azurite's well-known development account key (public, in Microsoft's documentation). */
    private static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path executable;
    private final Path location;
    private final int port;
    private Process process;

    private AzuriteServer(Path executable, Path location, int port) {
        this.executable = executable;
        this.location = location;
        this.port = port;
    }

    /** Starts Azurite on a free port with a new temporary data directory. */
    public static AzuriteServer start() {
        Path executable = findExecutable();
        try {
            AzuriteServer server = new AzuriteServer(executable, Files.createTempDirectory("azurite-"), freePort());
            server.restart();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + ACCOUNT_KEY
                + ";BlobEndpoint=http://127.0.0.1:" + port + "/devstoreaccount1;";
    }

    public int port() {
        return port;
    }

    /** The running Azurite process (for CPU accounting); empty while it is stopped. */
    public synchronized Optional<ProcessHandle> process() {
        return process == null ? Optional.empty() : Optional.of(process.toHandle());
    }

    /** Starts Azurite again (after {@link #stop()}) on the same port and data directory. */
    public synchronized void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("Azurite is already running on port " + port);
        }
        ProcessBuilder builder = new ProcessBuilder(List.of(executable.toString(),
                "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(port), "--location", location.toString(),
                "--skipApiVersionCheck", "--loose", "--silent"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(location.resolve("azurite-console.log").toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + executable, e);
        }
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!answers()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                stop();
                throw new IllegalStateException("Azurite did not start on port " + port + "; see "
                        + location.resolve("azurite-console.log"));
            }
            sleep(50);
        }
    }

    /** Stops Azurite and waits until its port is closed; the data directory stays. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        Instant deadline = Instant.now().plusSeconds(10);
        while (answers() && Instant.now().isBefore(deadline)) {
            sleep(50);
        }
    }

    @Override
    public void close() {
        stop();
        deleteRecursively(location);
    }

    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code node_modules/.bin/azurite-blob} under the first directory above this module that holds package.json. */
    private static Path findExecutable() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("package.json"))) {
                Path executable = dir.resolve("node_modules/.bin/azurite-blob");
                if (Files.isExecutable(executable)) {
                    return executable;
                }
                throw new IllegalStateException("Azurite is not installed: " + executable + " is missing. Run `npm ci` in "
                        + dir + (Boolean.parseBoolean(System.getenv("CI")) ? " (CI=true: a missing service fails the build)." : "."));
            }
        }
        throw new IllegalStateException("No package.json above " + Paths.get("").toAbsolutePath()
                + ": cannot find Azurite. Run `npm ci` in the project root.");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Azurite", e);
        }
    }

    private static void deleteRecursively(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary directory; the OS cleans it eventually.
        }
    }
}
