package dev.largeupload.web.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real server, as a newcomer runs it: {@code java -jar upload-server.jar}, configured only by
 * environment variables, on a free port, with its own {@code DATA_DIR}. It can be stopped
 * gracefully, killed with SIGKILL (the launcher and the server JVM it started), and started again
 * on the same data.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);

    private final Path dataDir;
    private final Path workDir;
    private final Map<String, String> env;
    private final int port;
    private Process process;
    private Path log;
    private int starts;

    private ServerProcess(Path workDir, Map<String, String> extraEnv) {
        this.workDir = workDir;
        this.dataDir = workDir.resolve("data");
        this.port = freePort();
        this.env = new HashMap<>(extraEnv);
    }

    /** A server on a fresh DATA_DIR under {@code workDir}, started and ready. */
    public static ServerProcess start(Path workDir, Map<String, String> extraEnv) {
        ServerProcess server = new ServerProcess(workDir, extraEnv);
        server.startAgain();
        return server;
    }

    public static ServerProcess start(Path workDir) {
        return start(workDir, Map.of());
    }

    public static Path jar() {
        String jar = System.getProperty("upload.server.jar", "target/upload-server.jar");
        Path path = Path.of(jar);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("The runnable server jar " + path + " is missing: run mvn package first");
        }
        return path;
    }

    /** Starts the server (again, on the same DATA_DIR and port) and waits until it answers. */
    public void startAgain() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        starts++;
        log = workDir.resolve("server-" + starts + ".log");
        Process started = launch(workDir, log, env(), jar());
        process = started;
        awaitReady();
    }

    /** Starts a server process without waiting for it, for tests of start-up failures. */
    static Process launch(Path workDir, Path log, Map<String, String> env, Path jar) {
        try {
            Files.createDirectories(workDir);
            ProcessBuilder builder = new ProcessBuilder(List.of(javaBinary(), "-jar", jar.toAbsolutePath().toString()))
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(env);
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, String> env() {
        Map<String, String> all = new HashMap<>();
        all.put("PORT", Integer.toString(port));
        all.put("HOST", "127.0.0.1");
        all.put("DATA_DIR", dataDir.toString());
        all.put("WLP_JAR_EXTRACT_ROOT", workDir.resolve("wlp").toString());
        all.put("JAVA_TOOL_OPTIONS", "-Xmx256m -XX:+ExitOnOutOfMemoryError");
        all.putAll(env);
        return all;
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The server exited with " + process.exitValue() + " while starting:\n" + logText());
            }
            try {
                HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(base().resolve("/api/config"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                process.waitFor(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("The server did not answer within " + START_TIMEOUT + ":\n" + logText());
    }

    /** SIGKILL to the server JVM and its launcher, as a crash would: nothing gets to clean up. */
    public void kill() {
        ProcessHandle handle = process.toHandle();
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
        awaitExit(handle);
        handle.descendants().forEach(this::awaitExit);
    }

    /** SIGTERM to the launcher, which stops the server in order. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        List<ProcessHandle> children = process.toHandle().descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(this::awaitExit);
    }

    private void awaitExit(ProcessHandle handle) {
        try {
            handle.onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("process " + handle.pid() + " did not exit", e);
        }
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Every request line the server has logged since its first start: {@code "PUT /api/… HTTP/1.1" 200 …}. */
    public List<String> accessLogLines() {
        try (var paths = Files.walk(workDir.resolve("wlp"))) {
            List<Path> logs = paths.filter(p -> p.getFileName().toString().startsWith("http_access")).toList();
            List<String> lines = new java.util.ArrayList<>();
            for (Path log : logs) {
                lines.addAll(Files.readAllLines(log));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        stop();
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
