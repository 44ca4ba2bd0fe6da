package dev.largeupload.web.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HookSettingsTest {

    private static HookSettings read(Map<String, String> env) {
        return HookSettings.read(new SettingsReader(key -> Optional.ofNullable(env.get(key)), Path.of(".")));
    }

    @Test
    void unset_meansNoEventsAndNoPreCreateHook() {
        HookSettings settings = read(Map.of());
        assertFalse(settings.eventsOn());
        assertTrue(settings.preCreateUrl().isEmpty());
        assertEquals(Duration.ofSeconds(5), settings.preCreateTimeout());
    }

    @Test
    void severalUrls_areReadInOrder() {
        HookSettings settings = read(Map.of("HOOK_URL", "https://a.example/hook, http://b.example:8080/x", "HOOK_SECRET", "s"));
        assertEquals(List.of(URI.create("https://a.example/hook"), URI.create("http://b.example:8080/x")), settings.urls());
        assertTrue(settings.eventsOn());
    }

    @Test
    void aHookWithoutASecret_failsNamingHookSecret() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> read(Map.of("PRE_CREATE_HOOK_URL", "https://a.example/pre")));
        assertTrue(e.getMessage().startsWith("Invalid configuration HOOK_SECRET:"), e.getMessage());
    }

    @Test
    void aUrlThatIsNotHttp_failsNamingItsKey() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> read(Map.of("HOOK_URL", "ftp://a.example/x", "HOOK_SECRET", "s")));
        assertTrue(e.getMessage().startsWith("Invalid configuration HOOK_URL:"), e.getMessage());
        assertThrows(ConfigurationException.class,
                () -> read(Map.of("PRE_CREATE_HOOK_TIMEOUT", "soon")));
    }

    @Test
    void aRetryMaxShorterThanItsMin_fails() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> read(Map.of("HOOK_RETRY_MIN", "PT10S", "HOOK_RETRY_MAX", "PT1S")));
        assertTrue(e.getMessage().startsWith("Invalid configuration HOOK_RETRY_MAX:"), e.getMessage());
    }
}
