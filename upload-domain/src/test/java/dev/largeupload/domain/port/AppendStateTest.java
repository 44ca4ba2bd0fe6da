package dev.largeupload.domain.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.largeupload.domain.model.Concatenation;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.UploadId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one text every metadata store keeps of an append state: each role in a concatenation, and the text of earlier versions. */
class AppendStateTest {

    @Test
    void everyRole_readsBackAsWritten() {
        UploadId claimer = UploadId.random();
        for (Concatenation role : List.of(Concatenation.NONE, Concatenation.UNCLAIMED_PART,
                Concatenation.UNCLAIMED_PART.claimedBy(claimer), Concatenation.of(List.of(UploadId.random(), UploadId.random())))) {
            AppendState state = new AppendState(4, "filename YQ==,empty", Optional.of(new PartialBlock(1, 9, StagingAttempt.random())), role);
            assertEquals(state, AppendState.decode(4, state.encode()), role.toString());
        }
    }

    @Test
    void theTextOfAnEarlierVersion_hasNoRoleInAConcatenation() {
        AppendState old = AppendState.decode(2, "-\nfilename YQ==");
        assertEquals(new AppendState(2, "filename YQ==", Optional.empty()), old);
        assertEquals(Concatenation.NONE, old.concatenation());
    }

    @Test
    void aMalformedRoleLine_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> AppendState.decode(1, "-\nconcat x\nlabels"));
        assertThrows(IllegalArgumentException.class, () -> Concatenation.of(List.of()));
    }
}
