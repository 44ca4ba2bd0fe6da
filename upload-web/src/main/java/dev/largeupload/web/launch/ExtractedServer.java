package dev.largeupload.web.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * The Liberty installation of the runnable jar, extracted on disk and held by this process.
 * <p>
 * Guarantees:
 * <ul>
 *   <li>One extraction per build of the jar: the directory {@code upload-server_<key>} under the
 *       extraction root is named by a digest of the jar's entries (names, sizes, CRCs), so a rebuilt
 *       jar never runs a stale server, and an unchanged one reuses the directory, its server workarea
 *       included. It appears whole or not at all (extracted aside, then renamed).</li>
 *   <li>One process at a time per directory (an exclusive lock on {@code <directory>.lock}): a
 *       second server started from the same jar while the first runs gets a private extraction,
 *       which is deleted when it stops.</li>
 *   <li>Nothing piles up: at each start, every directory this launcher made under the root that no
 *       running server holds, other than the current build's, is deleted (older builds, private
 *       extractions of servers that were killed, extractions cut short).</li>
 * </ul>
 * The root is {@code WLP_JAR_EXTRACT_ROOT} or {@code ~/wlpExtract}, as for Liberty's own launcher;
 * {@code WLP_JAR_EXTRACT_DIR} names the directory itself.
 */
final class ExtractedServer {

    private static final String PREFIX = "upload-server_";
    private static final String LOCK_SUFFIX = ".lock";
    private static final String COMPLETE_MARKER = ".extracted";

    private final Path directory;
    private final String serverName;
    private final FileChannel lockChannel;
    private final boolean privateCopy;

    private ExtractedServer(Path directory, String serverName, FileChannel lockChannel, boolean privateCopy) {
        this.directory = directory;
        this.serverName = serverName;
        this.lockChannel = lockChannel;
        this.privateCopy = privateCopy;
    }

    static Path extractRoot() {
        String root = System.getenv("WLP_JAR_EXTRACT_ROOT");
        return root == null || root.isBlank() ? Path.of(System.getProperty("user.home"), "wlpExtract") : Path.of(root.strip());
    }

    /** Extracts the jar's server unless this build's extraction exists and is free, and holds it. */
    static ExtractedServer prepare(Path jar, Path root) throws IOException {
        try (JarFile archive = new JarFile(jar.toFile())) {
            String serverName = archive.getManifest().getMainAttributes().getValue("Server-Name");
            String explicit = System.getenv("WLP_JAR_EXTRACT_DIR");
            Path shared = explicit == null || explicit.isBlank()
                    ? root.resolve(PREFIX + key(archive))
                    : Path.of(explicit.strip());
            Files.createDirectories(shared.getParent());
            FileChannel lock = tryLock(lockFile(shared));
            if (lock != null) {
                if (explicit == null || explicit.isBlank()) {
                    pruneUnused(root, shared);
                }
                if (!Files.exists(shared.resolve(COMPLETE_MARKER))) {
                    deleteTree(shared);
                    extract(archive, shared);
                }
                return new ExtractedServer(shared, serverName, lock, false);
            }
            Path own = shared.resolveSibling(shared.getFileName() + "-" + ProcessHandle.current().pid());
            FileChannel ownLock = tryLock(lockFile(own));
            if (ownLock == null) {
                throw new IOException("cannot lock " + lockFile(own));
            }
            deleteTree(own);
            extract(archive, own);
            return new ExtractedServer(own, serverName, ownLock, true);
        }
    }

    Path wlpDirectory() {
        return directory.resolve("wlp");
    }

    String serverName() {
        return serverName;
    }

    /**
     * Waits until the Liberty server running from this extraction has released its server lock
     * ({@code workarea/.sLock}, held by this same JVM while the server runs), at most {@code limit}.
     */
    boolean awaitServerStopped(Duration limit) {
        Path serverLock = wlpDirectory().resolve("usr/servers").resolve(serverName).resolve("workarea/.sLock");
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!Files.exists(serverLock)) {
                return true;
            }
            try (FileChannel channel = FileChannel.open(serverLock, StandardOpenOption.WRITE)) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    lock.release();
                    return true;
                }
            } catch (OverlappingFileLockException e) {
                // Liberty still holds it
            } catch (IOException e) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** At exit: a private extraction is deleted; the shared one stays for the next start. */
    void release() {
        try {
            if (privateCopy) {
                deleteTree(directory);
                Files.deleteIfExists(lockFile(directory));
            }
            lockChannel.close();
        } catch (IOException | UncheckedIOException e) {
            System.err.println("Could not remove the extracted server " + directory + ": " + e.getMessage());
        }
    }

    /** A digest of every entry's name, size and CRC: the same for the same build, fast to compute. */
    static String key(JarFile archive) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            Enumeration<? extends ZipEntry> entries = archive.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                digest.update((entry.getName() + '\0' + entry.getSize() + '\0' + entry.getCrc() + '\n')
                        .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void extract(JarFile archive, Path target) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".partial-" + ProcessHandle.current().pid());
        deleteTree(partial);
        Files.createDirectories(partial);
        Enumeration<? extends ZipEntry> entries = archive.entries();
        while (entries.hasMoreElements()) {
            ZipEntry entry = entries.nextElement();
            String name = entry.getName();
            if (!name.startsWith("wlp/")) {
                continue;
            }
            Path out = partial.resolve(name).normalize();
            if (!out.startsWith(partial)) {
                throw new IOException("entry outside the extraction directory: " + name);
            }
            if (entry.isDirectory()) {
                Files.createDirectories(out);
                continue;
            }
            Files.createDirectories(out.getParent());
            try (InputStream in = archive.getInputStream(entry)) {
                Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            }
            if (name.startsWith("wlp/bin/") && !name.endsWith(".bat") && !name.endsWith(".jar") && !name.endsWith(".exe")) {
                Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        Files.createFile(partial.resolve(COMPLETE_MARKER));
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            deleteTree(partial);
        }
    }

    /** Deletes this launcher's directories under {@code root} that no running server holds, but {@code keep}. */
    private static void pruneUnused(Path root, Path keep) {
        try (DirectoryStream<Path> locks = Files.newDirectoryStream(root, PREFIX + "*" + LOCK_SUFFIX)) {
            for (Path lockFile : locks) {
                String name = lockFile.getFileName().toString();
                Path dir = lockFile.resolveSibling(name.substring(0, name.length() - LOCK_SUFFIX.length()));
                if (dir.equals(keep)) {
                    continue;
                }
                FileChannel lock = tryLock(lockFile);
                if (lock != null) {
                    try (lock) {
                        deleteTree(dir);
                        Files.deleteIfExists(lockFile);
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // Pruning is housekeeping: a directory that cannot be removed now is retried at the next start.
        }
        // Half-done extractions of launchers that died while extracting.
        try (DirectoryStream<Path> partials = Files.newDirectoryStream(root, PREFIX + "*.partial-*")) {
            for (Path partial : partials) {
                String name = partial.getFileName().toString();
                long pid = Long.parseLong(name.substring(name.lastIndexOf('-') + 1));
                if (ProcessHandle.of(pid).isEmpty()) {
                    deleteTree(partial);
                }
            }
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            // as above
        }
    }

    private static Path lockFile(Path dir) {
        return dir.resolveSibling(dir.getFileName() + LOCK_SUFFIX);
    }

    /** An exclusive lock on {@code file}, held as long as the channel is open, or null if another process has it. */
    private static FileChannel tryLock(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return channel;
            }
        } catch (OverlappingFileLockException e) {
            // held by this JVM already
        }
        channel.close();
        return null;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
