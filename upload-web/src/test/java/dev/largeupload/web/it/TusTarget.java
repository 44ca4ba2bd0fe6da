package dev.largeupload.web.it;

import java.net.URI;

/**
 * A tus 1.0 server that the client tests upload to: its creation URL, and a crash and restart on the
 * same port and data (so that upload URLs a client stored stay valid). {@link #edge} is this project's
 * tus edge ({@code /api/tus/} of the real server); {@link TusPeer} is {@code @tus/server}, on which the
 * tests are proven where it has the extension they need.
 */
interface TusTarget {

    /** Where {@code POST} creates an upload. */
    URI endpoint();

    /** SIGKILL, as a crash would: nothing gets to clean up. */
    void kill();

    /** Starts the server again after {@link #kill()}, on the same port and data, and waits until it answers. */
    void startAgain();

    /** Whether it has the concatenation extension ({@code parallelUploads} needs it). */
    boolean concatenation();

    /** This project's server: creation at {@code /api/tus/}. */
    static TusTarget edge(ServerProcess server) {
        return new TusTarget() {
            @Override
            public URI endpoint() {
                return server.base().resolve("/api/tus/");
            }

            @Override
            public void kill() {
                server.kill();
            }

            @Override
            public void startAgain() {
                server.startAgain();
            }

            @Override
            public boolean concatenation() {
                return true;
            }

            @Override
            public String toString() {
                return "the tus edge at " + endpoint();
            }
        };
    }

    /**
     * The target the property {@code tus.it.target} names: {@code edge} (the default, what CI runs) or
     * {@code tus-server}, which starts {@link TusPeer} under {@code work} and uses it instead of {@code server}.
     */
    static TusTarget chosen(ServerProcess server, java.nio.file.Path work) {
        String target = System.getProperty("tus.it.target", "edge");
        return switch (target) {
            case "edge" -> edge(server);
            case "tus-server" -> TusPeer.start(work);
            default -> throw new IllegalArgumentException("tus.it.target=" + target + ": known are edge and tus-server");
        };
    }
}
