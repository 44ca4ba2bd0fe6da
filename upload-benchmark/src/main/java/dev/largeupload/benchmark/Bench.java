package dev.largeupload.benchmark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What every case needs: the sizes, the server jar, a work directory, the shared payload, the report. */
record Bench(Mode mode, Path serverJar, Path workDir, Path outDir, Optional<Path> jfrDir, Payload payload, Report report) {

    /** Starts a server named {@code name} with {@code env}, a heap of {@code heap} (e.g. "256m") and, when asked, JFR. */
    ServerProcess startServer(String name, Map<String, String> env, String heap) {
        List<String> options = new ArrayList<>(List.of("-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError"));
        jfrDir.ifPresent(dir -> options.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                + dir.toAbsolutePath().resolve(name + ".jfr")));
        log("starting the server '" + name + "' " + env + " -Xmx" + heap);
        ServerProcess server = ServerProcess.start(serverJar, name, workDir.resolve("server-" + name), env, String.join(" ", options));
        log("  ready at " + server.base() + ", server JVM pid " + server.serverPid());
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
