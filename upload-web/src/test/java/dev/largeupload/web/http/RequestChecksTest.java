package dev.largeupload.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestChecksTest {

    @Test
    void oneDecimalContentLength_orChunkedAlone_isAccepted() {
        assertEquals(Optional.empty(), RequestChecks.framing("HTTP/1.1", List.of("1000"), List.of(), 1000));
        assertEquals(Optional.empty(), RequestChecks.framing("HTTP/1.1", List.of("0"), List.of(), 0));
        assertEquals(Optional.empty(), RequestChecks.framing("HTTP/1.1", List.of(), List.of("chunked"), -1));
        assertEquals(Optional.empty(), RequestChecks.framing("HTTP/1.1", List.of(), List.of("Chunked"), -1));
        assertEquals(Optional.empty(), RequestChecks.framing("HTTP/1.0", List.of(), List.of(), -1));
    }

    @Test
    void aContentLengthPast2To64_thatTheContainerWrappedAround_isRefused() {
        // Liberty's channel reads 18446744073709552616 as 1000 (mod 2^64).
        assertFraming(RequestChecks.framing("HTTP/1.1", List.of("18446744073709552616"), List.of(), 1000));
        assertFraming(RequestChecks.framing("HTTP/1.1", List.of("9223372036854775808"), List.of(), Long.MIN_VALUE));
    }

    @Test
    void everyOtherFraming_isRefused() {
        assertFraming(RequestChecks.framing("HTTP/1.1", List.of("1000"), List.of("xchunked"), 1000));
        assertFraming(RequestChecks.framing("HTTP/1.1", List.of(), List.of("chunked, identity"), -1));
        assertFraming(RequestChecks.framing("HTTP/1.1", List.of(), List.of("gzip, chunked"), -1));
        assertFraming(RequestChecks.framing("HTTP/1.1", List.of(), List.of("chunked", "chunked"), -1));
        assertFraming(RequestChecks.framing("HTTP/1.1", List.of("10"), List.of("chunked"), -1));
        assertFraming(RequestChecks.framing("HTTP/1.0", List.of(), List.of("chunked"), -1));
        assertFraming(RequestChecks.framing("HTTP/1.1", List.of("1000", "1001"), List.of(), 1000));
        assertFraming(RequestChecks.framing("HTTP/1.1", List.of("1000", "1000"), List.of(), 1000));
        for (String bad : List.of("1000, 1001", "+1000", "-1", "0x3e8", "1e3", "", "1 000", "１０")) {
            assertFraming(RequestChecks.framing("HTTP/1.1", List.of(bad), List.of(), 1000));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:8001", "127.0.0.1:18250", "[::1]:8001", "upload_web:8080",
            "files.example.com", "xn--bcher-kva.example"})
    void aHostNameOrAddress_isAccepted(String host) {
        assertEquals(Optional.empty(), RequestChecks.host("HTTP/1.1", List.of(host)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"exa mple{}", "a:b:c", "[zz", "[::1", "a/b", "user@host", "host:123456", "", "h\u00f6st",
            "a:b", "[:::::]"})
    void anythingElseAsHost_isRefused(String host) {
        Optional<RequestChecks.Refusal> refusal = RequestChecks.host("HTTP/1.1", List.of(host));
        assertTrue(refusal.isPresent(), host);
        assertEquals("request.invalid-host", refusal.get().code());
    }

    @Test
    void http11WithoutOrWithTwoHosts_isRefused_http10WithoutOneIsNot() {
        assertTrue(RequestChecks.host("HTTP/1.1", List.of()).isPresent());
        assertTrue(RequestChecks.host("HTTP/1.1", List.of("a", "b")).isPresent());
        assertEquals(Optional.empty(), RequestChecks.host("HTTP/1.0", List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/{x}", "/api/<x>", "/api/a^b", "/api/a`b", "/api/a\"b", "/api/a|b", "/api/a b",
            "/api/a\\b", "/api/%zz", "/api/%4", "/api/\u00e9", "/api/a#b"})
    void aTargetWithCharactersNoUriHolds_isRefused(String path) {
        Optional<RequestChecks.Refusal> refusal = RequestChecks.target(path, null);
        assertTrue(refusal.isPresent(), path);
        assertEquals("request.malformed", refusal.get().code());
        assertTrue(RequestChecks.target("/api/config", "a={" ).isPresent());
    }

    @Test
    void aTargetOfUriCharacters_isAccepted() {
        assertEquals(Optional.empty(), RequestChecks.target("/api/upload/status/550e8400-e29b-41d4-a716-446655440000", null));
        assertEquals(Optional.empty(), RequestChecks.target("/api/files/%7Bx%7D;p=1", "a=b&c=%20d:@/?"));
        assertEquals(Optional.empty(), RequestChecks.target("/api/a~b_c.d-e!$&'()*+,;=:@", ""));
    }

    @Test
    void aSingleValuedHeaderSentTwice_isRefused() {
        assertEquals("request.duplicate-header", RequestChecks.repeated("Content-Digest", 2).orElseThrow().code());
        assertEquals(Optional.empty(), RequestChecks.repeated("Content-Digest", 1));
        assertEquals(Optional.empty(), RequestChecks.repeated("Content-Digest", 0));
    }

    private static void assertFraming(Optional<RequestChecks.Refusal> refusal) {
        assertTrue(refusal.isPresent(), "accepted");
        assertEquals("request.ambiguous-framing", refusal.get().code());
    }
}
