package dev.largeupload.web.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on a loopback port to a backend (a database, Redis, Azurite, the server itself), which a
 * test can cut — every open connection closed and new ones refused — and restore, to show what the
 * server does when a store goes away and comes back, or what a client does when its connection is lost.
 * It counts the bytes clients send through it, and can limit them to a bandwidth shared by all its
 * connections, as one slow link would. While the backend is down, a connection is accepted and closed.
 */
final class TcpProxy implements AutoCloseable {

    /** What a limited link reads from a client at a time, so that its pace is even. */
    private static final int LIMITED_READ = 16 * 1024;
    /** A limited link's receive buffer, as small as a slow link's: loopback's would hold megabytes ahead of the pace. */
    private static final int LIMITED_BUFFER = 64 * 1024;

    private final int port;
    private final String backendHost;
    private final int backendPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final Object link = new Object();
    private volatile long bytesPerSecond;
    private long linkFreeAtNanos;
    private volatile ServerSocket listener;

    TcpProxy(String backendHost, int backendPort) {
        this.port = ServerProcess.freePort();
        this.backendHost = backendHost;
        this.backendPort = backendPort;
        restore();
    }

    int port() {
        return port;
    }

    /** Limits what clients send through the proxy to this many bytes a second, over all connections. */
    TcpProxy limitedTo(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        return this;
    }

    /** Bytes clients have sent through the proxy (read from them) since it was made or last reset. */
    long upstreamBytes() {
        return upstreamBytes.get();
    }

    void resetCount() {
        upstreamBytes.set(0);
    }

    /** Accepts connections again and relays them. */
    synchronized void restore() {
        if (listener != null) {
            return;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listener = socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerSocket accepting = listener;
        Thread acceptor = new Thread(() -> acceptLoop(accepting), "tcp-proxy-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Closes every relayed connection and the listening socket: the backend seems gone. */
    synchronized void cut() {
        try {
            if (listener != null) {
                listener.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        listener = null;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    private void acceptLoop(ServerSocket accepting) {
        while (!accepting.isClosed()) {
            Socket client;
            try {
                client = accepting.accept();
            } catch (IOException e) {
                return;
            }
            try {
                if (bytesPerSecond > 0) {
                    client.setReceiveBufferSize(LIMITED_BUFFER);
                }
                Socket backend = new Socket(backendHost, backendPort);
                open.add(client);
                open.add(backend);
                pump(client, backend, true);
                pump(backend, client, false);
            } catch (IOException e) {
                closeQuietly(client); // the backend is down: the client sees its connection closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean upstream) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer, 0, upstream && bytesPerSecond > 0 ? LIMITED_READ : buffer.length)) >= 0; ) {
                    if (upstream) {
                        upstreamBytes.addAndGet(n);
                        pace(n);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed: close both
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pump-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    /** Holds n bytes back until the limited link has carried those before them. */
    private void pace(int n) throws InterruptedException {
        long rate = bytesPerSecond;
        if (rate <= 0) {
            return;
        }
        long waitNanos;
        synchronized (link) {
            long now = System.nanoTime();
            long start = Math.max(now, linkFreeAtNanos);
            linkFreeAtNanos = start + n * 1_000_000_000L / rate;
            waitNanos = linkFreeAtNanos - now;
        }
        TimeUnit.NANOSECONDS.sleep(waitNanos);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        cut();
    }
}
