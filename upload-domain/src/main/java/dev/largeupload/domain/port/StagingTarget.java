package dev.largeupload.domain.port;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how a client sends one block straight to the blob storage: the HTTP {@code method}, the {@code url}
 * (which carries the grant: a secret until {@code expiresAt}, never logged), and the {@code headers} the storage
 * needs besides the client's own {@code Content-MD5} and {@code Content-Length}.
 */
public record StagingTarget(String method, String url, Map<String, String> headers, Instant expiresAt) {

    public StagingTarget {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
        // The URL is a credential.
        return "StagingTarget[" + method + " …, expires " + expiresAt + "]";
    }
}
