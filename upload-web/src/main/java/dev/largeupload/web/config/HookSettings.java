package dev.largeupload.web.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The configuration of event hooks, read with the other settings ({@link SettingsReader}) and validated at start.
 *
 * @param urls             {@code HOOK_URL}: where every event is POSTed (comma-separated; none: no events are written)
 * @param secret           {@code HOOK_SECRET}: the HMAC-SHA256 key of the {@code Hook-Signature} header; required
 *                         when a hook URL is set
 * @param preCreateUrl     {@code PRE_CREATE_HOOK_URL}: asked before each upload is created, may refuse it
 * @param preCreateTimeout {@code PRE_CREATE_HOOK_TIMEOUT}: how long the pre-create hook may take (connect and answer)
 * @param deliveryTimeout  {@code HOOK_TIMEOUT}: how long one delivery of an event to one URL may take
 * @param retryMin         {@code HOOK_RETRY_MIN}: the first delay before an event is sent again (doubling, with jitter)
 * @param retryMax         {@code HOOK_RETRY_MAX}: the longest delay between two attempts
 * @param pollInterval     {@code HOOK_POLL_INTERVAL}: how often each server looks for events to deliver
 */
public record HookSettings(List<URI> urls, Optional<String> secret, Optional<URI> preCreateUrl,
                           Duration preCreateTimeout, Duration deliveryTimeout, Duration retryMin, Duration retryMax,
                           Duration pollInterval) {

    public HookSettings {
        urls = List.copyOf(urls);
    }

    /** Whether events are written and delivered at all. */
    public boolean eventsOn() {
        return !urls.isEmpty();
    }

    /** The hook settings from {@code reader}'s configuration. @throws ConfigurationException naming a bad key */
    public static HookSettings read(SettingsReader reader) {
        List<URI> urls = new ArrayList<>();
        for (String url : reader.value("HOOK_URL").map(v -> v.split(",")).orElse(new String[0])) {
            if (!url.isBlank()) {
                urls.add(url("HOOK_URL", url.strip()));
            }
        }
        Optional<URI> preCreate = reader.value("PRE_CREATE_HOOK_URL").map(v -> url("PRE_CREATE_HOOK_URL", v));
        Optional<String> secret = reader.value("HOOK_SECRET");
        if (secret.isEmpty() && (!urls.isEmpty() || preCreate.isPresent())) {
            throw new ConfigurationException("HOOK_SECRET", "must be set when HOOK_URL or PRE_CREATE_HOOK_URL is:"
                    + " every hook request is signed with it");
        }
        Duration retryMin = reader.duration("HOOK_RETRY_MIN", "PT1S");
        Duration retryMax = reader.duration("HOOK_RETRY_MAX", "PT10M");
        if (retryMax.compareTo(retryMin) < 0) {
            throw new ConfigurationException("HOOK_RETRY_MAX", "must not be shorter than HOOK_RETRY_MIN (" + retryMin + ")");
        }
        return new HookSettings(urls, secret, preCreate, reader.duration("PRE_CREATE_HOOK_TIMEOUT", "PT5S"),
                reader.duration("HOOK_TIMEOUT", "PT10S"), retryMin, retryMax,
                reader.duration("HOOK_POLL_INTERVAL", "PT1S"));
    }

    private static URI url(String key, String raw) {
        try {
            URI uri = new URI(raw);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new ConfigurationException(key, "must be http:// or https:// URLs, got '" + raw + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigurationException(key, "is not a URL: '" + raw + "'");
        }
    }
}
