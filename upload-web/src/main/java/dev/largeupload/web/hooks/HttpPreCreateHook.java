package dev.largeupload.web.hooks;

import dev.largeupload.domain.error.UploadException.HookUnavailable;
import dev.largeupload.domain.error.UploadException.Rejected;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.PreCreateHook;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link PreCreateHook} at {@code PRE_CREATE_HOOK_URL}: a signed POST of the would-be upload
 * ({@link HookBodies#preCreate}) before anything is created, answered within {@code PRE_CREATE_HOOK_TIMEOUT}:
 * <ul>
 *   <li>2xx allows the upload, unless its body is JSON {@code {"reject": true, "reason": "…"}};</li>
 *   <li>{@code {"reject": true}} or any 3xx/4xx refuses it ({@code upload.rejected}, 403), with the {@code reason} of a
 *       JSON body when there is one;</li>
 *   <li>5xx, no answer in time, or no connection refuses it too, as {@code hook.unavailable} (503, try later): the
 *       hook fails closed, so an upload it could not see is never created.</li>
 * </ul>
 */
public final class HttpPreCreateHook implements PreCreateHook {

    /** The longest reason passed on to the client. */
    private static final int MAX_REASON = 500;

    private final URI url;
    private final HookSender sender;
    private final Duration timeout;
    private final Clock clock;

    public HttpPreCreateHook(URI url, String secret, Duration timeout, Clock clock) {
        this.url = Objects.requireNonNull(url, "url");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sender = new HookSender(new HookSignature(secret), timeout);
    }

    @Override
    public void check(UploadSession proposed) {
        Instant now = clock.instant();
        HookSender.Answer answer = sender.post(url, HookBodies.preCreate(proposed, now), "pre-create-" + proposed.id(),
                now, timeout);
        if (answer.status() < 0) {
            throw new HookUnavailable("The pre-create hook did not answer in time; nothing was created. Try again"
                    + " shortly.", answer.failure());
        }
        if (answer.status() >= 500) {
            throw new HookUnavailable("The pre-create hook failed (HTTP " + answer.status() + "); nothing was created."
                    + " Try again shortly.", null);
        }
        Optional<JsonObject> json = json(answer.body());
        boolean reject = !answer.succeeded()
                || json.map(o -> o.get("reject")).filter(JsonValue.TRUE::equals).isPresent();
        if (reject) {
            String reason = json.map(o -> o.get("reason")).filter(v -> v.getValueType() == JsonValue.ValueType.STRING)
                    .map(v -> clean(((jakarta.json.JsonString) v).getString()))
                    .filter(r -> !r.isEmpty())
                    .orElse("The upload was refused by the pre-create hook (HTTP " + answer.status() + ").");
            throw new Rejected(reason);
        }
    }

    private static Optional<JsonObject> json(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            JsonValue value = reader.readValue();
            return value.getValueType() == JsonValue.ValueType.OBJECT ? Optional.of(value.asJsonObject()) : Optional.empty();
        } catch (JsonException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    private static String clean(String reason) {
        String text = reason.replaceAll("\\p{Cntrl}", " ").strip();
        return text.length() > MAX_REASON ? text.substring(0, MAX_REASON) + "…" : text;
    }
}
