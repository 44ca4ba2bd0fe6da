package dev.largeupload.domain.model;

import static dev.largeupload.domain.model.UploadState.ABORTED;
import static dev.largeupload.domain.model.UploadState.ACTIVE;
import static dev.largeupload.domain.model.UploadState.COMPLETED;
import static dev.largeupload.domain.model.UploadState.COMPLETING;
import static dev.largeupload.domain.model.UploadState.EXPIRED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UploadStateTest {

    private static final Map<UploadState, Set<UploadState>> ALLOWED = Map.of(
            ACTIVE, EnumSet.of(COMPLETING, ABORTED, EXPIRED),
            COMPLETING, EnumSet.of(COMPLETED, ACTIVE),
            COMPLETED, EnumSet.of(ABORTED),
            ABORTED, EnumSet.noneOf(UploadState.class),
            EXPIRED, EnumSet.noneOf(UploadState.class));

    @ParameterizedTest
    @EnumSource(UploadState.class)
    void canBecome_allowsExactlyTheStateMachinesMoves(UploadState from) {
        for (UploadState to : UploadState.values()) {
            assertEquals(ALLOWED.get(from).contains(to), from.canBecome(to), from + " -> " + to);
        }
    }
}
