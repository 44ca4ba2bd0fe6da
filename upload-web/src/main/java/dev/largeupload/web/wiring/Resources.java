package dev.largeupload.web.wiring;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What the wiring opened (connection pools) and must close when the application stops, newest first. */
final class Resources implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Resources.class.getName());
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    synchronized <T extends AutoCloseable> T add(T resource) {
        open.push(resource);
        return resource;
    }

    @Override
    public synchronized void close() {
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing a store's resources failed", e);
            }
        }
    }
}
