package net.dtm.store.zookeeper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay to one server, for cutting a client off as a killed process would be: once
 * {@link #close closed}, the client's connection is gone and it cannot reach the server again, so
 * the server expires its session after the session timeout (no session close is sent). It can
 * also {@link #stall} (a slow, not dead, server or network): connections stay open but nothing is
 * forwarded either way until {@link #resume}.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private final Object flow = new Object();
    private boolean stalled; // guarded by flow

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A relay to {@code 127.0.0.1:port}. */
    static TcpProxy to(int port) throws IOException {
        return new TcpProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /** The connect string of the relay. */
    String connectString() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket in = listener.accept();
                Socket out = new Socket(target.getAddress(), target.getPort());
                sockets.add(in);
                sockets.add(out);
                pump(in, out);
                pump(out, in);
                if (closed) {
                    closeAll();
                }
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
                for (int n = i.read(buf); n >= 0; n = i.read(buf)) {
                    awaitFlowing();
                    o.write(buf, 0, n);
                    o.flush();
                }
            } catch (IOException gone) {
                // one side closed
            } finally {
                quietly(from);
                quietly(to);
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Holds everything read (either way) until {@link #resume}. */
    void stall() {
        synchronized (flow) {
            stalled = true;
        }
    }

    /** Forwards again, what was held first. */
    void resume() {
        synchronized (flow) {
            stalled = false;
            flow.notifyAll();
        }
    }

    private void awaitFlowing() throws IOException {
        synchronized (flow) {
            while (stalled && !closed) {
                try {
                    flow.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while stalled", e);
                }
            }
        }
    }

    private void closeAll() {
        for (Socket s : sockets) {
            quietly(s);
        }
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Cuts every connection and refuses new ones. */
    @Override
    public void close() throws IOException {
        closed = true;
        resume();
        listener.close();
        closeAll();
    }
}
