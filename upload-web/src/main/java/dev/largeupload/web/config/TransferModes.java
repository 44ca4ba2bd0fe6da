package dev.largeupload.web.config;

import java.util.List;

/**
 * The transfer modes this server offers, by their names in the API, as {@code GET /api/config} lists them: always
 * {@code proxy}; {@code direct} when the blob store is Azure with a credential that can sign a SAS. Decided once at
 * start by the wiring. Plain strings: this package is also on the runnable jar's launcher class path, which has no
 * domain classes.
 */
public record TransferModes(List<String> wireNames) {

    public TransferModes {
        wireNames = List.copyOf(wireNames);
    }
}
