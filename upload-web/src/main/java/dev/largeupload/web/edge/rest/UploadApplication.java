package dev.largeupload.web.edge.rest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The REST API, under {@code /api}. */
@ApplicationPath("/api")
public class UploadApplication extends Application {
}
