package dev.largeupload.benchmark;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** What every case needs: the sizes, the server jar, a work directory, the shared payload, the report. */
record Bench(Mode mode, Path serverJar, Path workDir, Path outDir, Optional<Path> jfrDir, Payload payload, Report report) {

    /** Starts a server named {@code name} with {@code env} and a heap of {@code heap} (e.g. "256m"); records it with JFR when asked. */
    ServerProcess startServer(String name, Map<String, String> env, String heap) {
        log("starting the server '" + name + "' " + env + " -Xmx" + heap);
        ServerProcess server = ServerProcess.start(serverJar, name, workDir.resolve("server-" + name), env,
                "-Xmx" + heap + " -XX:+ExitOnOutOfMemoryError");
        log("  ready at " + server.base() + ", server JVM pid " + server.serverPid());
        // Started once the server is up, through jcmd: JAVA_TOOL_OPTIONS would also reach the JVM that Liberty's
        // launcher starts to stop the server, and that one would overwrite the recording.
        jfrDir.ifPresent(dir -> server.record(dir.toAbsolutePath().resolve(name + ".jfr")));
        return server;
    }

    Path chart(String fileName) {
        return outDir.resolve(fileName);
    }

    static void log(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Decimal megabytes per second, as disks and networks are rated. */
    static double megabytesPerSecond(long bytes, double seconds) {
        return bytes / 1e6 / seconds;
    }
}
