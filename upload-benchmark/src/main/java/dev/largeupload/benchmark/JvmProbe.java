package dev.largeupload.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads another JVM's memory from outside: the heap in use after a full GC ({@code jcmd GC.run},
 * then {@code GC.heap_info}) and the resident set from {@code /proc/<pid>/status}.
 */
final class JvmProbe {

    private static final Pattern G1_USED = Pattern.compile("garbage-first heap\\s+total \\d+K, used (\\d+)K");
    private static final Pattern GENERATION_USED = Pattern.compile("(?:generation|space)\\s+total \\d+K, used (\\d+)K");
    private static final Pattern PROC_KB = Pattern.compile("(\\d+) kB");

    private JvmProbe() {
    }

    /** Bytes of heap in use right after a full collection of the JVM {@code pid}. */
    static long heapAfterGc(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher g1 = G1_USED.matcher(info);
        if (g1.find()) {
            return Long.parseLong(g1.group(1)) * 1024;
        }
        long used = 0;
        boolean found = false;
        for (String line : info.split("\n")) {
            Matcher generation = GENERATION_USED.matcher(line);
            if (line.contains("generation") && generation.find()) {
                used += Long.parseLong(generation.group(1)) * 1024;
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("cannot read the heap from jcmd GC.heap_info:\n" + info);
        }
        return used;
    }

    /** A field of {@code /proc/<pid>/status} in bytes, such as {@code VmRSS} (resident now) or {@code VmHWM} (the peak). */
    static long procStatus(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    Matcher kb = PROC_KB.matcher(line);
                    if (kb.find()) {
                        return Long.parseLong(kb.group(1)) * 1024;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid + "/status (Linux only)", e);
        }
        throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
    }

    /** Seconds the JIT compilers of JVM {@code pid} have spent so far ({@code jcmd PerfCounter.print}: java.ci.totalTime). */
    static double compileSeconds(long pid) {
        String counters = jcmd(pid, "PerfCounter.print");
        return counter(counters, "java.ci.totalTime") / counter(counters, "sun.os.hrt.frequency");
    }

    private static double counter(String counters, String name) {
        for (String line : counters.split("\\R")) {
            if (line.startsWith(name + "=")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new IllegalStateException("no " + name + " in jcmd PerfCounter.print");
    }

    /** Runs {@code jcmd <pid> <command...>} and returns its output. */
    static String jcmd(long pid, String... command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        List<String> line = new java.util.ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
        line.addAll(List.of(command));
        try {
            Process process = new ProcessBuilder(line)
                    .redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + jcmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
