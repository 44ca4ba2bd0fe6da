package dev.largeupload.web.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The directory the server was started from, against which a relative {@code DATA_DIR} is
 * resolved. Liberty runs the server inside its own directory (for the runnable jar, a directory it
 * extracted itself to), so the process's working directory is not where the person typed the
 * command. On Linux the nearest ancestor process working outside the Liberty installation is the
 * launcher (the {@code java -jar} process, or Maven); elsewhere the working directory is used.
 */
public final class LaunchDirectory {

    private LaunchDirectory() {
    }

    public static Path find() {
        Path here = Path.of("").toAbsolutePath();
        Optional<Path> install = Optional.ofNullable(System.getProperty("wl.install.dir"))
                .or(() -> Optional.ofNullable(System.getenv("WLP_USER_DIR")))
                .map(p -> Path.of(p).toAbsolutePath().normalize());
        if (install.isEmpty() || !here.startsWith(install.get())) {
            return here;
        }
        Path wlp = install.get();
        Optional<ProcessHandle> ancestor = ProcessHandle.current().parent();
        while (ancestor.isPresent()) {
            Optional<Path> cwd = workingDirectory(ancestor.get().pid());
            if (cwd.isEmpty()) {
                break;
            }
            if (!cwd.get().startsWith(wlp)) {
                return cwd.get();
            }
            ancestor = ancestor.get().parent();
        }
        return here;
    }

    private static Optional<Path> workingDirectory(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }
}
