package dev.largeupload.benchmark;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP cost alone: an in-process HTTP/1.1 server (the JDK's {@code com.sun.net.httpserver})
 * that reads every request body to its end into a reused buffer, discards it, and answers a small
 * JSON document, as the upload server answers a chunk. Sending to it measures the client, the
 * loopback and HTTP parsing, without any store.
 */
final class HttpSink implements AutoCloseable {

    private static final byte[] ANSWER = "{\"message\":\"discarded\"}".getBytes(StandardCharsets.UTF_8);
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[1024 * 1024]);

    private final HttpServer server;
    private final ExecutorService threads;

    HttpSink() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads = Executors.newFixedThreadPool(40);
        server.setExecutor(threads);
        server.createContext("/", HttpSink::discard);
        server.start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void discard(HttpExchange exchange) throws IOException {
        byte[] buffer = BUFFERS.get();
        try (InputStream body = exchange.getRequestBody()) {
            while (body.read(buffer) >= 0) {
                // discarded
            }
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, ANSWER.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(ANSWER);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
