package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Download;
import dev.largeupload.web.it.UploadClient.Upload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Moves files through the API the way a parallel client does, and checks what comes back. */
public final class Transfers {

    private Transfers() {
    }

    public static List<Integer> allChunks(Upload upload) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < upload.totalChunks(); i++) {
            all.add(i);
        }
        return all;
    }

    /** Sends the given chunks in a random order, four at a time; each must answer 200. */
    public static void sendInRandomOrder(UploadClient client, Upload upload, Path file, boolean multipart, List<Integer> indexes) throws Exception {
        List<Integer> order = new ArrayList<>(indexes);
        Collections.shuffle(order, new Random(indexes.size()));
        long size = Files.size(file);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Answer>> answers = new ArrayList<>();
            for (int index : order) {
                long offset = index * upload.chunkSize();
                long length = Math.min(upload.chunkSize(), size - offset);
                answers.add(pool.submit(() -> multipart
                        ? client.postMultipartChunk(upload, index, file, offset, length)
                        : client.putChunk(upload, index, file, offset, length)));
            }
            for (Future<Answer> answer : answers) {
                assertEquals(200, answer.get().status(), answer.get().body());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    public static void assertDownloadsExactly(UploadClient client, Upload upload, Path file) {
        Download download = client.download(upload.id(), null);
        assertEquals(200, download.status());
        assertEquals(TestFiles.fileSize(file), download.length());
        assertEquals(TestFiles.sha256(file), download.sha256());
    }

    public static boolean containsPathNamed(Path root, String name) throws Exception {
        try (var paths = Files.walk(root)) {
            return paths.anyMatch(p -> p.getFileName().toString().contains(name));
        }
    }
}
