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

/**
 * A TCP relay on a loopback port to a backend (a database, Redis, Azurite), which a test can cut —
 * every open connection closed and new ones refused — and restore, to show what the server does
 * when a store goes away and comes back.
 */
final class TcpProxy implements AutoCloseable {

    private final int port;
    private final String backendHost;
    private final int backendPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
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
            try {
                Socket client = accepting.accept();
                Socket backend = new Socket(backendHost, backendPort);
                open.add(client);
                open.add(backend);
                pump(client, backend);
                pump(backend, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed: close both
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pump-" + port);
        thread.setDaemon(true);
        thread.start();
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
