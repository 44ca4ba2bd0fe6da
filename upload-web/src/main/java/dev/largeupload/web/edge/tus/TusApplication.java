package dev.largeupload.web.edge.tus;

import dev.largeupload.web.http.RequestException;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * The tus 1.0.0 edge, under {@code /api/tus}: creation at {@code POST /api/tus/}, upload URLs
 * {@code /api/tus/<id>.<token>} (see {@link UploadUrl}). Its own application, listing exactly its own classes, so
 * its error mapping (tus status codes such as 460 and 412) never answers for the native API and the native API's
 * never for it. The servlet mapping {@code /api/tus/*} is longer than the native {@code /api/*}, so the container
 * routes every tus URL here.
 */
@ApplicationPath("/api/tus")
public class TusApplication extends Application {

    private static final Set<Class<?>> CLASSES = Set.of(
            TusResource.class,
            IetfDraftResource.class,
            TusProtocolFilter.class,
            TusExceptionMapper.class,
            RequestException.Mapper.class,
            TusFallbackExceptionMapper.class);

    @Override
    public Set<Class<?>> getClasses() {
        return CLASSES;
    }
}
