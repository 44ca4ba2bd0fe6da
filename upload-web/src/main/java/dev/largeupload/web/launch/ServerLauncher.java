package dev.largeupload.web.launch;

import dev.largeupload.web.config.ConfigurationException;
import dev.largeupload.web.config.LaunchDirectory;
import dev.largeupload.web.config.SettingsReader;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.jar.JarFile;

/**
 * The entry point of {@code upload-server.jar} ({@code java -jar}): it replaces Open Liberty's own
 * self-extracting launcher so that a start costs only what the server needs.
 * <ul>
 *   <li>The settings are checked before anything else: a bad one prints one line naming its key and
 *       exits with {@value #EXIT_CONFIGURATION} within about a second, and nothing is extracted.</li>
 *   <li>The Liberty installation inside the jar is extracted once per build of the jar and reused by
 *       later starts ({@link ExtractedServer}), so a start neither unpacks 100 MB nor starts Liberty
 *       "clean" (its bundle, feature and annotation caches in the server's workarea stay warm, and
 *       its keys are generated once).</li>
 *   <li>The server runs in this JVM, as Liberty's own launcher runs it. If the application refuses
 *       to start (it publishes the reason in the system property {@value #STARTUP_FAILURE}), this
 *       JVM exits with {@value #EXIT_CONFIGURATION}, through Liberty's orderly shutdown.</li>
 * </ul>
 * On a shared Liberty server none of this runs: the application alone fails there.
 */
public final class ServerLauncher {

    /** The system property the application sets, to one line, when it cannot start with its configuration. */
    public static final String STARTUP_FAILURE = "dev.largeupload.startup.failure";

    /** The system property this launcher sets to {@code true}: the application runs from the runnable jar. */
    public static final String RUNNABLE_JAR = "dev.largeupload.runnable.jar";

    /** The exit status of a server stopped by its configuration (EX_CONFIG of sysexits.h). */
    public static final int EXIT_CONFIGURATION = 78;

    private ServerLauncher() {
    }

    public static void main(String[] args) throws Exception {
        try {
            new SettingsReader(ServerLauncher::setting, LaunchDirectory.find()).read();
        } catch (ConfigurationException e) {
            System.err.println(e.getMessage());
            System.exit(EXIT_CONFIGURATION);
        }
        Path jar = ownJar();
        ExtractedServer server = ExtractedServer.prepare(jar, ExtractedServer.extractRoot());
        // Liberty's own shutdown hook stops the server (SIGTERM, Ctrl-C, the exit below); the extraction is
        // released once the server no longer runs from it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.awaitServerStopped(Duration.ofSeconds(60));
            server.release();
        }, "upload-server-cleanup"));
        watchForStartupFailure(System.err);
        System.setProperty(RUNNABLE_JAR, "true");
        int rc = runInline(server.wlpDirectory(), server.serverName(), args);
        System.exit(System.getProperty(STARTUP_FAILURE) != null ? EXIT_CONFIGURATION : rc);
    }

    /**
     * A setting as MicroProfile Config will see it in the server: a system property first, then the
     * environment. (Server-level variables that only Liberty knows are checked by the application.)
     */
    private static Optional<String> setting(String key) {
        return Optional.ofNullable(System.getProperty(key)).or(() -> Optional.ofNullable(System.getenv(key)));
    }

    private static Path ownJar() {
        try {
            return Path.of(ServerLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the server jar", e);
        }
    }

    /** Ends the JVM (and with it, through Liberty's shutdown hook, the server) once the application gave up. */
    private static void watchForStartupFailure(PrintStream console) {
        Thread watcher = new Thread(() -> {
            String reason;
            while ((reason = System.getProperty(STARTUP_FAILURE)) == null) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
            // The one line that names the key, before Liberty's own account of the stop; on the JVM's own
            // standard error, which Liberty has since replaced with one that prefixes "[err]".
            console.println(reason);
            console.flush();
            System.exit(EXIT_CONFIGURATION);
        }, "upload-server-startup-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /**
     * Runs Liberty's command-line launcher ({@code bin/tools/ws-server.jar}) in this JVM, as Liberty's
     * self-extracting jar does; it returns when the server has stopped. The jar's
     * {@code Launcher-Agent-Class} has already given Liberty its instrumentation agent.
     */
    private static int runInline(Path wlp, String serverName, String[] args) throws IOException,
            ReflectiveOperationException {
        File launchJar = wlp.resolve("bin/tools/ws-server.jar").toFile();
        String mainClass;
        try (JarFile jar = new JarFile(launchJar)) {
            mainClass = jar.getManifest().getMainAttributes().getValue("Main-Class");
        }
        Path serverDir = wlp.resolve("usr/servers").resolve(serverName);
        System.setProperty("user.dir", serverDir.toString());
        System.setProperty("LOG_DIR", serverDir.resolve("logs").toString());
        // No XA transactions: their recovery log would live in the extracted server.
        System.setProperty("com.ibm.tx.jta.disable2PC", "true");
        String[] launchArgs = new String[args.length == 0 ? 1 : args.length + 2];
        launchArgs[0] = serverName;
        if (args.length > 0) {
            launchArgs[1] = "--";
            System.arraycopy(args, 0, launchArgs, 2, args.length);
        }
        @SuppressWarnings("resource") // the kernel's classes are used until the JVM ends
        URLClassLoader loader = new URLClassLoader(new URL[] {launchJar.toURI().toURL()});
        Method main = loader.loadClass(mainClass).getDeclaredMethod("main", String[].class);
        // java.util.logging finds Liberty's log manager through the context class loader.
        Thread.currentThread().setContextClassLoader(loader);
        try {
            main.invoke(null, (Object) launchArgs);
        } catch (InvocationTargetException e) {
            throw new UncheckedIOException(new IOException("the server failed to run", e.getCause()));
        }
        return 0;
    }
}
