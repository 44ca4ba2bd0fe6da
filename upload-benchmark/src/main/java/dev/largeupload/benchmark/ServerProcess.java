package dev.largeupload.benchmark;

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
 * The real server as a user runs it ({@code java -jar upload-server.jar}), configured only by
 * environment variables, on a free port of 127.0.0.1 with a fresh {@code DATA_DIR}; its JVM options
 * (heap, JFR) go through {@code JAVA_TOOL_OPTIONS}. Closing it sends SIGTERM and waits.
 */
final class ServerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final String name;
    private final Path workDir;
    private final int port;
    private final Process process;
    private final Path log;
    private Path recording;

    private ServerProcess(String name, Path workDir, int port, Process process, Path log) {
        this.name = name;
        this.workDir = workDir;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the server jar under {@code workDir} with {@code env} on top of the port, data and
     * extraction directories, and waits until {@code /api/config} answers.
     */
    static ServerProcess start(Path jar, String name, Path workDir, Map<String, String> env, String jvmOptions) {
        try {
            Files.createDirectories(workDir);
            int port = freePort();
            Map<String, String> all = new HashMap<>();
            all.put("PORT", Integer.toString(port));
            all.put("HOST", "127.0.0.1");
            all.put("DATA_DIR", workDir.resolve("data").toString());
            all.put("WLP_JAR_EXTRACT_ROOT", workDir.resolve("wlp").toString());
            all.put("JAVA_TOOL_OPTIONS", jvmOptions);
            all.putAll(env);
            Path log = workDir.resolve("server.log");
            ProcessBuilder builder = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toAbsolutePath().toString()))
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(all);
            ServerProcess server = new ServerProcess(name, workDir, port, builder.start(), log);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    String name() {
        return name;
    }

    /** The directory the server keeps its data in ({@code DATA_DIR}). */
    Path dataDir() {
        return workDir.resolve("data");
    }

    /** The pid of the JVM that runs the server (the runnable jar runs it in the JVM it was started as). */
    long serverPid() {
        return process.toHandle().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                .map(ProcessHandle::pid)
                .findFirst()
                .orElse(process.pid());
    }

    /** Starts a JFR recording (settings=profile) of the server JVM, written to {@code file} when the server is closed. */
    void record(Path file) {
        JvmProbe.jcmd(serverPid(), "JFR.start", "name=benchmark", "settings=profile", "filename=" + file);
        recording = file;
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The server '" + name + "' exited with " + process.exitValue()
                        + " while starting; its log:\n" + logText());
            }
            try {
                HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(base().resolve("/api/config"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                process.waitFor(250, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("The server '" + name + "' did not answer within " + START_TIMEOUT + "; its log:\n" + logText());
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Ends a JFR recording, then SIGTERM, then SIGKILL after a minute; waits for the server JVM to end. */
    @Override
    public void close() {
        if (recording != null && process.isAlive()) {
            JvmProbe.jcmd(serverPid(), "JFR.stop", "name=benchmark");
            recording = null;
        }
        List<ProcessHandle> children = process.toHandle().descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                children.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : children) {
                child.onExit().get(60, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("the server '" + name + "' did not stop", e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
