package dev.largeupload.web.auth;

import java.util.Objects;
import java.util.Set;

/**
 * What a verified token says about its bearer.
 *
 * @param subject its {@code sub} claim
 * @param groups  its {@code groups} claim (MicroProfile JWT's roles), with the {@code roles} claim of Entra ID app roles
 */
public record VerifiedToken(String subject, Set<String> groups) {

    public VerifiedToken {
        Objects.requireNonNull(subject, "subject");
        groups = Set.copyOf(groups);
    }
}
