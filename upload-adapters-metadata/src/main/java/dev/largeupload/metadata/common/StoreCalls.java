package dev.largeupload.metadata.common;

import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.model.UploadSession;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileLockInterruptionException;

/**
 * What every metadata store does alike around a call: check the limit of a listing or a block index, and turn a
 * failure of its backend into {@link StoreUnavailable} without losing the thread's interrupt.
 */
public final class StoreCalls {

    private StoreCalls() {
    }

    /**
     * Checks the {@code limit} of a listing ({@code listExpired}, {@code listFinished}).
     *
     * @return whether there is anything to list: {@code false} for a limit of 0
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public static boolean wantsAny(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit " + limit);
        }
        return limit > 0;
    }

    /** Checks the limit of {@code createWithinLimit}. @throws IllegalArgumentException if it is less than 1 */
    public static void requireRoom(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + limit + " is less than 1");
        }
    }

    /**
     * Checks the arguments of {@code createWithinQuota}.
     *
     * @return the session's owner
     * @throws IllegalArgumentException if the session has no owner or {@code maxActive} is negative
     */
    public static String requireOwner(UploadSession session, int maxActive) {
        if (maxActive < 0) {
            throw new IllegalArgumentException("negative cap on active uploads " + maxActive);
        }
        return session.owner().orElseThrow(() -> new IllegalArgumentException("upload " + session.id() + " has no owner"));
    }

    /** Checks the limit of {@code listNewestFirst}. @throws IllegalArgumentException if it is less than 1 */
    public static void requirePage(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a page of " + limit + " uploads");
        }
    }

    /** Checks the index given to {@code hasBlock}. @throws IllegalArgumentException if it is negative */
    public static void requireBlockIndex(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("negative block index " + index);
        }
    }

    /**
     * The failure to answer the client with when {@code store} (e.g. "the metadata database") could not do
     * {@code what} (e.g. "read upload …") because of {@code cause}. Its message names no path nor the backend's
     * own message, as it may reach a client. A backend that was interrupted reports it in many forms (a
     * connection failure, a closed channel); if any cause in the chain is one, the thread's interrupt is set
     * again, so that the thread still sees it.
     *
     * @param detail said after {@code what}, e.g. " (SQLState 08006)", or empty
     */
    public static StoreUnavailable unavailable(String store, String what, String detail, Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException || c instanceof ClosedByInterruptException
                    || c instanceof FileLockInterruptionException
                    || (c instanceof InterruptedIOException && !(c instanceof SocketTimeoutException))) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new StoreUnavailable("The " + store + " could not " + what + detail + "; try again shortly.", cause);
    }
}
