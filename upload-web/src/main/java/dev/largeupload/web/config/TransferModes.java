package dev.largeupload.web.config;

import dev.largeupload.domain.model.TransferMode;
import java.util.List;

/**
 * The transfer modes this server offers, as {@code GET /api/config} lists them: always {@code proxy}; {@code direct}
 * when the blob store is Azure with a credential that can sign a SAS. Decided once at start by the wiring.
 */
public record TransferModes(List<TransferMode> modes) {

    public TransferModes {
        modes = List.copyOf(modes);
    }

    /** The modes by their names in the API, such as {@code ["proxy", "direct"]}. */
    public List<String> wireNames() {
        return modes.stream().map(TransferMode::wireName).toList();
    }
}
