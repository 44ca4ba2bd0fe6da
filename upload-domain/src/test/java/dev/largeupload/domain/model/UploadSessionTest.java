package dev.largeupload.domain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.error.UploadException.ChunkOutOfRange;
import dev.largeupload.domain.error.UploadException.Expired;
import dev.largeupload.domain.error.UploadException.NotActive;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UploadSessionTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant EXPIRY = T0.plus(Duration.ofHours(1));
    private static final String TOKEN = "the-token";

    /** 10 bytes in chunks of 4: lengths 4, 4, 2. */
    private static UploadSession tenBytes() {
        return session(ChunkPlan.of(10, 4));
    }

    private static UploadSession session(ChunkPlan plan) {
        return UploadSession.start(UploadId.random(), new FileName("data.bin"), "application/octet-stream", plan,
                UploadToken.hash(TOKEN), Optional.empty(), T0, EXPIRY);
    }

    private static UploadSession inState(UploadState state) {
        UploadSession s = tenBytes();
        return UploadSession.restore(s.id(), s.fileName(), s.contentType(), s.plan(), new BitSet(), state,
                T0, T0, EXPIRY, s.tokenHash(), Optional.empty());
    }

    @Test
    void start_isActiveWithEveryChunkMissing() {
        UploadSession s = tenBytes();

        assertEquals(UploadState.ACTIVE, s.state());
        assertEquals(List.of(0, 1, 2), s.missingChunks());
        assertEquals(List.of(), s.receivedChunks());
        assertEquals(0, s.receivedBytes());
        assertEquals(0.0, s.progressPercentage());
        assertFalse(s.allChunksReceived());
    }

    @Test
    void withChunkReceived_movesTheChunkFromMissingToReceived_andCountsItsExactLength() {
        Instant later = T0.plusSeconds(5);
        Instant newExpiry = later.plus(Duration.ofHours(1));

        UploadSession s = tenBytes().withBlockReceived(2, later, newExpiry);

        assertEquals(List.of(0, 1), s.missingChunks());
        assertEquals(List.of(2), s.receivedChunks());
        assertTrue(s.hasReceived(2));
        assertEquals(2, s.receivedBytes());
        assertEquals(20.0, s.progressPercentage());
        assertEquals(later, s.updatedAt());
        assertEquals(newExpiry, s.expiresAt());
    }

    @Test
    void withChunkReceived_leavesTheOriginalUnchanged() {
        UploadSession original = tenBytes();

        original.withBlockReceived(0, T0, EXPIRY);

        assertEquals(0, original.receivedCount());
    }

    @Test
    void withChunkReceived_twice_countsOnce() {
        UploadSession s = tenBytes().withBlockReceived(1, T0, EXPIRY).withBlockReceived(1, T0, EXPIRY);

        assertEquals(1, s.receivedCount());
        assertEquals(4, s.receivedBytes());
    }

    @Test
    void withBlockReceived_outsideThePlan_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> tenBytes().withBlockReceived(3, T0, EXPIRY));
    }

    @Test
    void progress_andAllReceived_whenEveryChunkArrived() {
        UploadSession s = tenBytes().withBlockReceived(0, T0, EXPIRY).withBlockReceived(2, T0, EXPIRY);
        assertEquals(60.0, s.progressPercentage());
        assertEquals(6, s.receivedBytes());

        UploadSession all = s.withBlockReceived(1, T0, EXPIRY);

        assertTrue(all.allChunksReceived());
        assertEquals(List.of(), all.missingChunks());
        assertEquals(10, all.receivedBytes());
        assertEquals(100.0, all.progressPercentage());
    }

    @Test
    void progress_isRoundedToTwoDecimals() {
        UploadSession s = session(ChunkPlan.of(3, 1)).withBlockReceived(0, T0, EXPIRY);

        assertEquals(33.33, s.progressPercentage());
    }

    @Test
    void zeroByteUpload_hasNothingMissingAndIsWhole() {
        UploadSession s = session(ChunkPlan.of(0, 4));

        assertTrue(s.allChunksReceived());
        assertEquals(List.of(), s.missingChunks());
        assertEquals(0, s.receivedBytes());
        assertEquals(100.0, s.progressPercentage());
    }

    @Test
    void requireAcceptsChunk_answersTheExactLengthOfEachChunk() {
        UploadSession s = tenBytes();

        assertEquals(4, s.requireAcceptsChunk(0, T0));
        assertEquals(4, s.requireAcceptsChunk(1, T0));
        assertEquals(2, s.requireAcceptsChunk(2, T0));
    }

    @Test
    void requireAcceptsChunk_outsideThePlan_isOutOfRange() {
        assertThrows(ChunkOutOfRange.class, () -> tenBytes().requireAcceptsChunk(3, T0));
        assertThrows(ChunkOutOfRange.class, () -> tenBytes().requireAcceptsChunk(-1, T0));
    }

    @Test
    void requireAcceptsChunk_justBeforeExpiry_isAccepted_andAtExpiry_isExpired() {
        UploadSession s = tenBytes();

        assertEquals(4, s.requireAcceptsChunk(0, EXPIRY.minusMillis(1)));
        Expired e = assertThrows(Expired.class, () -> s.requireAcceptsChunk(0, EXPIRY));
        assertEquals("upload.expired", e.code());
        assertTrue(s.isExpiredAt(EXPIRY));
        assertFalse(s.isExpiredAt(EXPIRY.minusMillis(1)));
    }

    @ParameterizedTest
    @EnumSource(value = UploadState.class, names = {"COMPLETING", "COMPLETED", "ABORTED"})
    void requireAcceptsChunk_whenNotActive_isNotActive(UploadState state) {
        NotActive e = assertThrows(NotActive.class, () -> inState(state).requireAcceptsChunk(0, T0));

        assertEquals("upload.not-active", e.code());
    }

    @Test
    void requireAcceptsChunk_whenNotActive_namesTheStateTheSameInEveryLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            NotActive e = assertThrows(NotActive.class, () -> inState(UploadState.COMPLETING).requireAcceptsChunk(0, T0));

            assertTrue(e.getMessage().contains(" is completing"), e.getMessage());
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void requireAcceptsChunk_whenExpiredByState_isExpired() {
        assertThrows(Expired.class, () -> inState(UploadState.EXPIRED).requireAcceptsChunk(0, T0));
    }

    @ParameterizedTest
    @EnumSource(value = UploadState.class, names = {"COMPLETING", "COMPLETED", "ABORTED"})
    void isExpiredAt_pastExpiry_isFalseForUploadsThatLeftActive(UploadState state) {
        assertFalse(inState(state).isExpiredAt(EXPIRY.plusSeconds(1)));
    }

    @Test
    void transitionTo_anAllowedState_yieldsANewSessionAndKeepsTheOriginal() {
        UploadSession active = tenBytes().withBlockReceived(0, T0, EXPIRY);
        Instant later = T0.plusSeconds(30);

        UploadSession completing = active.transitionTo(UploadState.COMPLETING, later);

        assertEquals(UploadState.COMPLETING, completing.state());
        assertEquals(later, completing.updatedAt());
        assertEquals(List.of(0), completing.receivedChunks());
        assertEquals(UploadState.ACTIVE, active.state());
    }

    @Test
    void transitionTo_refusesIllegalMoves() {
        assertThrows(IllegalStateException.class, () -> tenBytes().transitionTo(UploadState.COMPLETED, T0));
        assertThrows(IllegalStateException.class, () -> tenBytes().transitionTo(UploadState.ACTIVE, T0));
        assertThrows(IllegalStateException.class, () -> inState(UploadState.ABORTED).transitionTo(UploadState.ACTIVE, T0));
        assertThrows(IllegalStateException.class, () -> inState(UploadState.EXPIRED).transitionTo(UploadState.ACTIVE, T0));
        assertThrows(IllegalStateException.class, () -> inState(UploadState.COMPLETED).transitionTo(UploadState.ACTIVE, T0));
    }

    @Test
    void isOwnedBy_onlyTheTokenWhoseHashItHolds() {
        UploadSession s = tenBytes();

        assertTrue(s.isOwnedBy(TOKEN));
        assertFalse(s.isOwnedBy("another-token"));
        assertFalse(s.isOwnedBy(null));
    }

    @Test
    void restore_refusesReceivedChunksOutsideThePlan() {
        UploadSession s = tenBytes();
        BitSet received = new BitSet();
        received.set(3);

        assertThrows(IllegalArgumentException.class, () -> UploadSession.restore(s.id(), s.fileName(), s.contentType(),
                s.plan(), received, UploadState.ACTIVE, T0, T0, EXPIRY, s.tokenHash(), Optional.empty()));
    }

    @Test
    void received_isACopy() {
        UploadSession s = tenBytes();

        s.received().set(0);

        assertEquals(0, s.receivedCount());
    }

    @Test
    void blobName_isDerivedFromTheIdNotTheFileName() {
        UploadSession s = tenBytes();

        assertEquals(s.id().value(), s.blobName().value());
    }
}
