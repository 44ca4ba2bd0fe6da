package dev.largeupload.web.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A hook receiver for the tests, on a free port of 127.0.0.1: {@code POST /events} records every event it is sent
 * with whether its {@code Hook-Signature} is right for the body and the secret, and answers what {@link #answerEvents}
 * says; {@code POST /pre-create} records the question and answers what {@link #answerPreCreate} says. Waiting for
 * events polls what arrived (never a fixed sleep).
 */
final class HookReceiver implements AutoCloseable {

    /** One request as it arrived. */
    record Received(JsonObject body, boolean signatureValid, String hookId, int answeredWith) {

        String type() {
            return body.getString("type");
        }

        String uploadId() {
            return body.getJsonObject("upload").getString("upload_id");
        }

        String id() {
            return body.getString("id");
        }
    }

    /** An answer: a status and a body. */
    record Reply(int status, String body, Duration delay) {

        static Reply of(int status) {
            return new Reply(status, "", Duration.ZERO);
        }
    }

    private final HttpServer server;
    private final String secret;
    private final List<Received> events = new ArrayList<>();
    private final List<Received> questions = new ArrayList<>();
    private volatile Function<JsonObject, Reply> events200 = body -> Reply.of(200);
    private volatile Function<JsonObject, Reply> preCreate = body -> Reply.of(204);

    HookReceiver(String secret) throws IOException {
        this.secret = secret;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/events", exchange -> handle(exchange, events, events200));
        server.createContext("/pre-create", exchange -> handle(exchange, questions, preCreate));
        server.start();
    }

    URI eventsUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/events");
    }

    URI preCreateUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/pre-create");
    }

    void answerEvents(Function<JsonObject, Reply> answer) {
        this.events200 = answer;
    }

    void answerPreCreate(Function<JsonObject, Reply> answer) {
        this.preCreate = answer;
    }

    synchronized List<Received> events() {
        return List.copyOf(events);
    }

    synchronized List<Received> questions() {
        return List.copyOf(questions);
    }

    /** The events received so far that {@code filter} accepts, once at least {@code count} of them arrived. */
    List<Received> awaitEvents(Predicate<Received> filter, int count, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            List<Received> matching = events().stream().filter(filter).toList();
            if (matching.size() >= count) {
                return matching;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("only " + matching.size() + " of " + count + " events arrived within " + timeout
                        + "; all received: " + events().stream().map(r -> r.type() + "/" + r.answeredWith()).toList());
            }
            Thread.sleep(50);
        }
    }

    private void handle(HttpExchange exchange, List<Received> into, Function<JsonObject, Reply> answer) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            String signature = exchange.getRequestHeaders().getFirst("Hook-Signature");
            JsonObject body;
            try (JsonReader reader = Json.createReader(new StringReader(new String(raw, StandardCharsets.UTF_8)))) {
                body = reader.readObject();
            }
            Reply reply = answer.apply(body);
            synchronized (this) {
                into.add(new Received(body, validSignature(raw, signature), exchange.getRequestHeaders().getFirst("Hook-Id"),
                        reply.status()));
            }
            if (!reply.delay().isZero()) {
                try {
                    Thread.sleep(reply.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
        } catch (IOException e) {
            // the server gave up waiting (a timeout under test): nothing to answer
        }
    }

    /** What a receiver must check: {@code sha256=} and the hex HMAC-SHA256 of the raw body, compared in constant time. */
    private boolean validSignature(byte[] body, String header) {
        if (header == null || !header.startsWith("sha256=")) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = HexFormat.of().formatHex(mac.doFinal(body)).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, header.substring("sha256=".length()).getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
