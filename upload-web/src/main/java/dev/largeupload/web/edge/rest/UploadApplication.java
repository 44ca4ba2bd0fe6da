package dev.largeupload.web.edge.rest;

import dev.largeupload.web.http.RequestException;
import dev.largeupload.web.http.StrictJsonReader;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * The native REST API, under {@code /api}: exactly the resources, body readers and problem mappers
 * listed here. None of them carries {@code @Provider}, and a non-empty {@link #getClasses()} turns
 * class scanning off for this application (Jakarta REST 3.1 §2.3.2), so another edge's mappers never
 * answer for this one, and this one's never for another.
 */
@ApplicationPath("/api")
public class UploadApplication extends Application {

    private static final Set<Class<?>> CLASSES = Set.of(
            UploadResource.class,
            ChunkResource.class,
            TargetResource.class,
            DownloadResource.class,
            ConfigResource.class,
            UploadsResource.class,
            JsonbConfiguration.class,
            JsonLineEnding.class,
            StrictJsonReader.class,
            UploadExceptionMapper.class,
            RequestException.Mapper.class,
            WebApplicationExceptionMapper.class,
            JsonExceptionMapper.class,
            FallbackExceptionMapper.class);

    @Override
    public Set<Class<?>> getClasses() {
        return CLASSES;
    }
}
