package dev.largeupload.web.edge.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.largeupload.domain.error.UploadException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every case of the sealed domain error family has its own status, so none falls through to a default. */
class UploadExceptionMapperTest {

    @Test
    void everyDomainErrorHasAStatusOfItsOwn() {
        Arrays.stream(UploadException.class.getPermittedSubclasses()).forEach(type ->
                assertNotEquals(null, UploadExceptionMapper.kindOf(type), type.getSimpleName() + " has no status"));
    }

    @Test
    void aStalledBodyIsARequestTimeout() {
        assertEquals(408, UploadExceptionMapper.status(new UploadException.TransferInterrupted(0, true, null)));
        assertEquals(400, UploadExceptionMapper.status(new UploadException.TransferInterrupted(0, false, null)));
    }
}
