package dev.largeupload.web.edge.rest;

import jakarta.json.JsonValue;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Ends every JSON answer the API builds ({@code application/json}, {@code application/problem+json})
 * with a newline, as command-line clients and line-oriented tools expect. Only the API's own documents
 * are touched, the answer records and JSON-P values: a download is a stream of the stored bytes, and a
 * file uploaded as {@code application/json} comes back byte for byte. The newline is written once, after
 * the JSON, even when the JSON writer closes the stream it was given.
 */
public class JsonLineEnding implements WriterInterceptor {

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
        MediaType type = context.getMediaType();
        Object entity = context.getEntity();
        if (type == null || !isJson(type) || !(entity instanceof JsonValue || entity instanceof Record)) {
            context.proceed();
            return;
        }
        NewlineAtEnd out = new NewlineAtEnd(context.getOutputStream());
        context.setOutputStream(out);
        context.proceed();
        out.finish();
    }

    private static boolean isJson(MediaType type) {
        String subtype = type.getSubtype();
        return "application".equals(type.getType()) && ("json".equals(subtype) || subtype.endsWith("+json"));
    }

    /** Passes the JSON through; on close or at the end, adds the newline once and keeps the real stream open. */
    private static final class NewlineAtEnd extends FilterOutputStream {
        private boolean finished;

        NewlineAtEnd(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        void finish() throws IOException {
            if (!finished) {
                finished = true;
                out.write('\n');
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            finish();
        }
    }
}
