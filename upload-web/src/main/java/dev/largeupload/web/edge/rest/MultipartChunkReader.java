package dev.largeupload.web.edge.rest;

import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.service.Results.ChunkAccepted;
import dev.largeupload.web.config.ServerSettings;
import dev.largeupload.web.http.RequestException;
import dev.largeupload.web.http.RequestValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;

/**
 * Reads the Python service's multipart chunk form with Commons FileUpload's streaming iterator. When the
 * {@code file} part comes after the fields (as every well-behaved client sends it), it is handed
 * on as the live request stream. When it comes first, it is spooled to a temporary file under
 * {@code DATA_DIR/tmp} (disk, never the heap) until the fields have been read, then deleted.
 */
@ApplicationScoped
public class MultipartChunkReader {

    private static final int MAX_FIELD_LENGTH = 1024;
    private static final int MAX_PARTS = 8;

    @Inject
    ServerSettings settings;

    /** What to do with the chunk once the form's fields are known. */
    @FunctionalInterface
    public interface ChunkHandler {
        ChunkAccepted accept(Fields fields, InputStream body);
    }

    /** The text fields of the form. */
    public static final class Fields {
        private final Map<String, String> values = new HashMap<>();

        public String required(String name) {
            return optional(name).orElseThrow(() -> new RequestException(400, "request.missing-field",
                    "Form field '" + name + "' is required (send it before the file part)."));
        }

        public Optional<String> optional(String name) {
            return Optional.ofNullable(values.get(name));
        }

        boolean has(String... names) {
            for (String name : names) {
                if (!values.containsKey(name)) {
                    return false;
                }
            }
            return true;
        }
    }

    public ChunkAccepted read(HttpServletRequest request, ChunkHandler handler) {
        Path spooled = null;
        try {
            FileItemInputIterator parts = new JakartaServletFileUpload<>().getItemIterator(request);
            parts.setFileSizeMax(ChunkPlan.MAX_CHUNK_SIZE);
            Fields fields = new Fields();
            int count = 0;
            while (parts.hasNext()) {
                if (++count > MAX_PARTS) {
                    throw new RequestException(400, "request.malformed-multipart", "Too many parts in the form.");
                }
                FileItemInput part = parts.next();
                if (part.isFormField()) {
                    fields.values.put(part.getFieldName(), readField(part));
                } else if ("file".equals(part.getFieldName())) {
                    if (fields.has("upload_id", "chunk_index")) {
                        try (InputStream body = part.getInputStream()) {
                            return handler.accept(fields, body);
                        }
                    }
                    if (spooled != null) {
                        throw new RequestException(400, "request.malformed-multipart", "Only one 'file' part is allowed.");
                    }
                    spooled = spool(part);
                }
            }
            if (count == 0) {
                throw new RequestException(400, "request.malformed-multipart", "The body holds no form parts.");
            }
            if (spooled == null) {
                throw new RequestException(400, "request.missing-field", "Form field 'file' (the chunk's bytes) is required.");
            }
            try (InputStream body = Files.newInputStream(spooled)) {
                return handler.accept(fields, body);
            }
        } catch (FileUploadException e) {
            throw new RequestException(400, "request.malformed-multipart", "The multipart body could not be read: "
                    + RequestValues.clip(String.valueOf(e.getMessage())));
        } catch (IOException e) {
            throw new RequestException(400, "request.malformed-multipart", "The multipart body broke off.");
        } finally {
            if (spooled != null) {
                try {
                    Files.deleteIfExists(spooled);
                } catch (IOException e) {
                    spooled.toFile().deleteOnExit();
                }
            }
        }
    }

    private Path spool(FileItemInput part) throws IOException {
        Path dir = settings.dataDir().resolve("tmp");
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "multipart-", ".part");
        try (InputStream in = part.getInputStream()) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException | UncheckedIOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    private static String readField(FileItemInput part) throws IOException {
        try (InputStream in = part.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_FIELD_LENGTH + 1);
            if (bytes.length > MAX_FIELD_LENGTH) {
                throw new RequestException(400, "request.invalid-field",
                        "Form field '" + part.getFieldName() + "' is longer than " + MAX_FIELD_LENGTH + " bytes.");
            }
            return new String(bytes, StandardCharsets.UTF_8).strip();
        }
    }
}
