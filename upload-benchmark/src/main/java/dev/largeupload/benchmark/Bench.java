package dev.largeupload.benchmark;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** What every case needs: the sizes, the server jar, a work directory, the shared payload, the report. */
record Bench(Mode mode, Path serverJar, Path workDir, Path outDir, Optional<Path> jfrDir, Payload payload, Report report) {

    static final double JIT_QUIET = 0.05;
    static final int WARM_UP_ROUNDS = 12;

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

    /**
     * Warms {@code server} until its JIT is steady: repeats {@code round} until the JIT compilers kept
     * less than {@value #JIT_QUIET} of a core busy during one round, at most {@value #WARM_UP_ROUNDS}
     * rounds (one in smoke mode). A profile found the compilers still using a third of the server's CPU
     * after a fixed warm-up: Liberty and the service have much code that compiles only after thousands
     * of requests, which a long-running server has long done.
     */
    void warmUp(ServerProcess server, Runnable round) {
        int rounds = mode.name().equals(Mode.SMOKE.name()) ? 1 : WARM_UP_ROUNDS;
        long pid = server.serverPid();
        for (int i = 1; i <= rounds; i++) {
            double compiledBefore = JvmProbe.compileSeconds(pid);
            long start = System.nanoTime();
            round.run();
            double cores = (JvmProbe.compileSeconds(pid) - compiledBefore) / ((System.nanoTime() - start) / 1e9);
            log(String.format("  warm-up round %d: JIT compilers %.2f cores busy", i, cores));
            if (cores < JIT_QUIET) {
                return;
            }
        }
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
