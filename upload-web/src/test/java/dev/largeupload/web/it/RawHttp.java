package dev.largeupload.web.it;

import dev.largeupload.web.it.UploadClient.Answer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 exchange over a plain socket, for what an ordinary client will not send: a body cut
 * off halfway, a {@code Content-Length} that lies, a chunked body that never ends, a connection
 * reset.
 */
final class RawHttp implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RawHttp(URI base) {
        try {
            socket = new Socket(base.getHost(), base.getPort());
            socket.setSoTimeout(120_000);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The request line and headers (each {@code "Name: value"}), then the empty line. */
    RawHttp head(String requestLine, String... headers) {
        StringBuilder head = new StringBuilder(requestLine).append("\r\nHost: localhost\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        return send(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One piece of a {@code Transfer-Encoding: chunked} body. */
    RawHttp sendChunk(byte[] bytes) {
        send((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        send(bytes);
        return send("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads the answer: status line, headers, and a body of its Content-Length (or up to the close). */
    Answer answer() {
        try {
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String line = line(); !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
            }
            String length = headers.entrySet().stream().filter(e -> e.getKey().toLowerCase(Locale.ROOT).equals("content-length"))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
            byte[] body = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
            return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the connection closed before the answer ended");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Whether the server closes the connection (within 30 s) without sending another byte: after a refused
     * request, proof that nothing after its head was read as a further request.
     */
    boolean closedWithoutAnotherAnswer() {
        try {
            socket.setSoTimeout(30_000);
            return in.read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false; // still open
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    /** Ends the request body early, keeping the connection open to read the answer (a half-close, FIN). */
    void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops the connection with a reset (RST) instead of an orderly close. */
    void reset() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closed already
        }
    }
}
