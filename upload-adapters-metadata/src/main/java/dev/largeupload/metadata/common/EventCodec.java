package dev.largeupload.metadata.common;

import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadState;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The one text form of an {@link UploadEvent} in every store's outbox (a JDBC column, a Redis hash field, a file):
 * {@code name=value} pairs joined by {@code &}, each part percent-encoded, absent optionals left out; instants as
 * UTC epoch milliseconds. Also the text form of a set of delivery destinations.
 */
public final class EventCodec {

    private EventCodec() {
    }

    /** The event as one line of text. */
    public static String encode(UploadEvent event) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("id", event.id());
        fields.put("type", event.type().wireName());
        fields.put("created_at", Long.toString(event.createdAt().toEpochMilli()));
        fields.put("upload_id", event.uploadId().value());
        event.subject().ifPresent(subject -> fields.put("subject", subject));
        fields.put("filename", event.fileName());
        fields.put("file_size", Long.toString(event.fileSize()));
        event.sha256().ifPresent(sha256 -> fields.put("sha256", sha256));
        event.compositeSha256().ifPresent(composite -> fields.put("composite_sha256", composite));
        fields.put("blob", event.blob());
        fields.put("state", event.state().name());
        return fields.entrySet().stream().map(e -> escape(e.getKey()) + "=" + escape(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** The event that {@link #encode} turned into {@code text}. @throws IllegalArgumentException if it is not one */
    public static UploadEvent decode(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            int equals = pair.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("not an encoded event: " + text);
            }
            fields.put(unescape(pair.substring(0, equals)), unescape(pair.substring(equals + 1)));
        }
        return new UploadEvent(required(fields, "id"), UploadEvent.Type.ofWireName(required(fields, "type")),
                Instant.ofEpochMilli(Long.parseLong(required(fields, "created_at"))),
                new UploadId(required(fields, "upload_id")), Optional.ofNullable(fields.get("subject")),
                required(fields, "filename"), Long.parseLong(required(fields, "file_size")),
                Optional.ofNullable(fields.get("sha256")), Optional.ofNullable(fields.get("composite_sha256")),
                required(fields, "blob"), UploadState.valueOf(required(fields, "state")));
    }

    /** A set of destinations as one line (empty for none). */
    public static String encodeDestinations(Set<String> destinations) {
        return new TreeSet<>(destinations).stream().map(EventCodec::escape).collect(Collectors.joining("&"));
    }

    /** The set that {@link #encodeDestinations} turned into {@code text}; {@code null} is none. */
    public static Set<String> decodeDestinations(String text) {
        if (text == null || text.isEmpty()) {
            return Set.of();
        }
        return Arrays.stream(text.split("&")).map(EventCodec::unescape).collect(Collectors.toUnmodifiableSet());
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("an encoded event without " + name);
        }
        return value;
    }

    private static String escape(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String unescape(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
