package dev.largeupload.web.it;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's npm tools for the tests: the directory with {@code package.json} and its installed
 * {@code node_modules} (from {@code npm ci}), and the {@code node} on the PATH that runs them. A
 * missing install fails the test with a line saying what to run; it is never skipped.
 */
final class NodeProject {

    private NodeProject() {
    }

    /** The first directory above the working directory with package.json, holding every {@code needed} path. */
    static Path root(String... needed) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("package.json"))) {
                for (String path : needed) {
                    if (!Files.exists(dir.resolve(path))) {
                        throw new IllegalStateException(dir.resolve(path) + " is missing: run `npm ci` in " + dir
                                + " (the tus clients and @tus/server are devDependencies of package.json)");
                    }
                }
                return dir;
            }
        }
        throw new IllegalStateException("No package.json above " + Path.of("").toAbsolutePath() + ": run the tests from the project");
    }
}
