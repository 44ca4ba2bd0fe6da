package dev.largeupload.domain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

    @Test
    void of_withAnAttempt_hasOneWidthForEveryIndexAndAttempt_andParsesBackToBoth() {
        StagingAttempt[] attempts = {new StagingAttempt(1), new StagingAttempt(-1), new StagingAttempt(Long.MIN_VALUE),
                StagingAttempt.random()};
        for (int index : new int[] {0, 7, 49_999}) {
            for (StagingAttempt attempt : attempts) {
                BlockId id = BlockId.of(index, attempt);
                assertEquals(40, id.value().length(), id.value());
                assertTrue(Base64.getDecoder().decode(id.value()).length <= 64);
                assertEquals(java.util.Optional.of(new BlockId.Parsed(index, attempt)), BlockId.parse(id.value()));
            }
        }
    }

    @Test
    void of_underTwoAttempts_differs_andTheLegacyAttemptHasTheIdOfOlderVersions() {
        assertNotEquals(BlockId.of(3, new StagingAttempt(1)), BlockId.of(3, new StagingAttempt(2)));
        assertEquals(Base64.getEncoder().encodeToString("block-000003".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                BlockId.of(3, StagingAttempt.LEGACY).value());
        assertEquals(java.util.Optional.of(new BlockId.Parsed(3, StagingAttempt.LEGACY)), BlockId.parse(BlockId.of(3).value()));
    }

    @Test
    void parse_ofAnIdNoneOfOursMade_isEmpty() {
        Base64.Encoder base64 = Base64.getEncoder();
        for (String raw : new String[] {"block-42", "block-000042-0000000000000000", "block-000042-ABCDEF0123456789",
                "block-050000", "foreign-000001"}) {
            assertTrue(BlockId.parse(base64.encodeToString(raw.getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isEmpty(), raw);
        }
        assertTrue(BlockId.parse("not base64!").isEmpty());
    }

    @Test
    void stagingAttempt_random_isNeverTheLegacyOne_andSpellsSixteenHexDigits() {
        for (int i = 0; i < 1000; i++) {
            StagingAttempt attempt = StagingAttempt.random();
            assertFalse(attempt.isLegacy());
            assertEquals(attempt, StagingAttempt.fromHex(attempt.hex()));
        }
        assertEquals("ffffffffffffffff", new StagingAttempt(-1).hex());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 50_000, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void of_refusesIndexesOutsideTheLargestPlan(int index) {
        assertThrows(IllegalArgumentException.class, () -> BlockId.of(index));
    }
}
