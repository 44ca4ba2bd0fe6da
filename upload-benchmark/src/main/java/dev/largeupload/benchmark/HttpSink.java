package dev.largeupload.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP cost alone: an in-process HTTP/1.1 server on a plain socket, one thread per
 * connection, that reads each request's head, reads its {@code Content-Length} body into a reused
 * 1 MiB buffer and discards it, and answers a small JSON document on the same kept-alive
 * connection, as the upload server answers a chunk. Sending to it measures the client, the
 * loopback and the request parsing, without any store. (The JDK's {@code com.sun.net.httpserver}
 * was tried first: its body stream alone was slower than the upload server, so it measured itself.)
 */
final class HttpSink implements AutoCloseable {

    private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 23\r\n\r\n"
            + "{\"message\":\"discarded\"}").getBytes(StandardCharsets.US_ASCII);
    private static final int HEAD_LIMIT = 64 * 1024;

    private final ServerSocketChannel listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "http-sink");
        thread.setDaemon(true);
        return thread;
    });

    HttpSink() {
        try {
            listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.execute(this::accept);
    }

    URI base() {
        try {
            return URI.create("http://127.0.0.1:" + ((InetSocketAddress) listener.getLocalAddress()).getPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void accept() {
        while (listener.isOpen()) {
            try {
                SocketChannel connection = listener.accept();
                threads.execute(() -> serve(connection));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // One failed accept; keep listening.
            }
        }
    }

    /** Serves requests on one connection until the client closes it. */
    private static void serve(SocketChannel connection) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(1024 * 1024);
        try (connection) {
            buffer.flip();
            while (true) {
                long length = readHead(connection, buffer);
                if (length < 0) {
                    return;
                }
                long left = length;
                while (left > 0) {
                    if (!buffer.hasRemaining()) {
                        buffer.clear();
                        if (connection.read(buffer) < 0) {
                            return;
                        }
                        buffer.flip();
                    }
                    int skip = (int) Math.min(left, buffer.remaining());
                    buffer.position(buffer.position() + skip);
                    left -= skip;
                }
                ByteBuffer answer = ByteBuffer.wrap(ANSWER);
                while (answer.hasRemaining()) {
                    connection.write(answer);
                }
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    /** Reads up to the blank line after the head (keeping what follows in {@code buffer}); the body's length, or -1 at the end. */
    private static long readHead(SocketChannel connection, ByteBuffer buffer) throws IOException {
        StringBuilder head = new StringBuilder();
        while (true) {
            while (buffer.hasRemaining()) {
                head.append((char) (buffer.get() & 0xff));
                int n = head.length();
                if (n >= 4 && head.charAt(n - 4) == '\r' && head.charAt(n - 3) == '\n' && head.charAt(n - 2) == '\r' && head.charAt(n - 1) == '\n') {
                    return contentLength(head.toString());
                }
                if (n > HEAD_LIMIT) {
                    throw new IOException("request head too long");
                }
            }
            buffer.clear();
            int read = connection.read(buffer);
            buffer.flip();
            if (read < 0) {
                return -1;
            }
        }
    }

    private static long contentLength(String head) throws IOException {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding")) {
            throw new IOException("the sink reads Content-Length bodies only");
        }
        return 0;
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        threads.shutdownNow();
    }
}
