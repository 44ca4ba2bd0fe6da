package dev.largeupload.domain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class UploadIdTest {

    @Test
    void accepts_aCanonicalLowerCaseUuid() {
        assertEquals("550e8400-e29b-41d4-a716-446655440000",
                new UploadId("550e8400-e29b-41d4-a716-446655440000").value());
    }

    @Test
    void random_givesDistinctCanonicalIds() {
        UploadId a = UploadId.random();
        UploadId b = UploadId.random();

        assertNotEquals(a, b);
        assertEquals(UUID.fromString(a.value()).toString(), a.value());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "550E8400-E29B-41D4-A716-446655440000",
            "{550e8400-e29b-41d4-a716-446655440000}",
            "550e8400e29b41d4a716446655440000",
            "550e8400-e29b-41d4-a716-44665544000",
            "550e8400-e29b-41d4-a716-4466554400000",
            "550e8400-e29b-41d4-a716-446655440000\n",
            " 550e8400-e29b-41d4-a716-446655440000",
            "550e8400-e29b-41d4-a716-44665544000g",
            "../../etc/passwd"})
    void refuses_anythingButACanonicalLowerCaseUuid(String value) {
        InvalidArgument e = assertThrows(InvalidArgument.class, () -> new UploadId(value));

        assertEquals("upload.invalid-id", e.code());
    }
}
