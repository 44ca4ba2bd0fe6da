package dev.largeupload.domain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlockIdTest {

    @Test
    void of_everyIndexOfTheLargestPlan_hasTheSameWidthAndRoundTrips() {
        int width = BlockId.of(0).value().length();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ChunkPlan.MAX_BLOCKS; i++) {
            BlockId id = BlockId.of(i);
            assertEquals(width, id.value().length(), "width of " + i);
            assertEquals(i, id.index(), "round trip of " + i);
            seen.add(id.value());
        }
        assertEquals(ChunkPlan.MAX_BLOCKS, seen.size(), "ids are distinct");
    }

    @Test
    void of_isAtMost64BytesBeforeBase64() {
        assertTrue(Base64.getDecoder().decode(BlockId.of(49_999).value()).length <= 64);
    }

    @Test
    void of_isDerivedNotRandom() {
        assertEquals(BlockId.of(42), BlockId.of(42));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 50_000, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void of_refusesIndexesOutsideTheLargestPlan(int index) {
        assertThrows(IllegalArgumentException.class, () -> BlockId.of(index));
    }
}
