package net.dtm.server.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.DatagramSessionConfig;
import org.apache.mina.transport.socket.nio.NioDatagramAcceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's UDP control endpoint: a MINA datagram acceptor whose I/O thread only copies each
 * datagram and hands it to a bounded worker pool (handling may block on the store's fsync), then
 * writes the answer back to the datagram's source through the same session.
 * <p>
 * Fairness: each source address may have at most {@code perSourceLimit} datagrams waiting or in
 * work; beyond that its datagrams are dropped ({@code dropped.source-limit}), so one noisy source
 * cannot fill the shared queue. When the whole queue is full, datagrams are dropped
 * ({@code dropped.overload}). Agents retransmit, so a drop under overload costs latency, not
 * correctness.
 */
public final class UdpEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UdpEndpoint.class);

    /** Larger than any valid datagram, so oversized ones arrive whole enough to be rejected as such. */
    private static final int READ_BUFFER = 2048;

    private final NioDatagramAcceptor acceptor;
    private final ThreadPoolExecutor workers;
    private final DatagramHandler handler;
    private final Counters counters;
    private final int perSourceLimit;
    private final ConcurrentHashMap<InetAddress, Integer> pending = new ConcurrentHashMap<>();
    private final InetSocketAddress localAddress;

    /**
     * Binds at once.
     *
     * @param bind           host and port to bind (port 0 = any free port)
     * @param handler        computes the answer to one datagram from a source; empty = no answer
     * @param counters       where drops are counted
     * @param threads        worker threads
     * @param queueCapacity  datagrams that may wait for a worker
     * @param perSourceLimit datagrams one source address may have waiting or in work
     * @throws IOException if the address cannot be bound (e.g. the port is in use)
     */
    public UdpEndpoint(InetSocketAddress bind, BiFunction<byte[], InetSocketAddress, Optional<byte[]>> handler,
                       Counters counters, int threads, int queueCapacity, int perSourceLimit) throws IOException {
        this(bind, sync(Objects.requireNonNull(handler, "handler")), counters, threads, queueCapacity, perSourceLimit);
    }

    /** Computes the answer to one datagram; the future may complete later, on another thread. */
    @FunctionalInterface
    public interface DatagramHandler {
        /** The answer to send back to {@code source}, or empty to drop silently. */
        CompletableFuture<Optional<byte[]>> handle(byte[] datagram, InetSocketAddress source);
    }

    /**
     * Binds at once, with a handler that may answer later: a worker is held only while the handler
     * runs, not while its future is pending (e.g. a copy of a request waiting for the first copy's
     * answer). Parameters as for the constructor.
     */
    public static UdpEndpoint async(InetSocketAddress bind, DatagramHandler handler, Counters counters, int threads,
                                    int queueCapacity, int perSourceLimit) throws IOException {
        return new UdpEndpoint(bind, Objects.requireNonNull(handler, "handler"), counters, threads, queueCapacity,
                perSourceLimit);
    }

    private static DatagramHandler sync(BiFunction<byte[], InetSocketAddress, Optional<byte[]>> f) {
        return (datagram, source) -> CompletableFuture.completedFuture(f.apply(datagram, source));
    }

    private UdpEndpoint(InetSocketAddress bind, DatagramHandler handler, Counters counters, int threads, int queueCapacity,
                        int perSourceLimit) throws IOException {
        Objects.requireNonNull(bind, "bind");
        this.handler = handler;
        this.counters = Objects.requireNonNull(counters, "counters");
        if (threads < 1 || queueCapacity < 1 || perSourceLimit < 1) {
            throw new IllegalArgumentException("threads, queue capacity and per-source limit must be positive");
        }
        this.perSourceLimit = perSourceLimit;
        AtomicInteger threadNumber = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), r -> {
                    Thread t = new Thread(r, "dtm-server-worker-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        workers.allowCoreThreadTimeOut(true);

        this.acceptor = new NioDatagramAcceptor();
        DatagramSessionConfig config = acceptor.getSessionConfig();
        // No SO_REUSEADDR: UDP has no TIME_WAIT to step over, and with it a second server on the
        // same port would bind "successfully" and silently take part of the traffic.
        config.setReuseAddress(false);
        config.setReadBufferSize(READ_BUFFER);
        config.setMinReadBufferSize(READ_BUFFER);
        config.setMaxReadBufferSize(READ_BUFFER);
        config.setReceiveBufferSize(1 << 20);
        acceptor.setHandler(new Handler());
        try {
            acceptor.bind(bind);
        } catch (IOException | RuntimeException e) {
            acceptor.dispose(true);
            workers.shutdownNow();
            throw new IOException("cannot bind UDP " + bind.getHostString() + ":" + bind.getPort() + ": " + e.getMessage(), e);
        }
        this.localAddress = (InetSocketAddress) acceptor.getLocalAddress();
    }

    /** The bound address. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The bound port. */
    public int port() {
        return localAddress.getPort();
    }

    private final class Handler extends IoHandlerAdapter {

        @Override
        public void messageReceived(IoSession session, Object message) {
            if (!(message instanceof IoBuffer buffer)) {
                return;
            }
            byte[] datagram = new byte[buffer.remaining()];
            buffer.get(datagram);
            InetSocketAddress source = (InetSocketAddress) session.getRemoteAddress();
            InetAddress sourceAddress = source.getAddress();
            int queued = pending.merge(sourceAddress, 1, Integer::sum);
            if (queued > perSourceLimit) {
                done(sourceAddress);
                counters.increment("dropped.source-limit");
                return;
            }
            try {
                workers.execute(() -> {
                    try {
                        handler.handle(datagram, source).whenComplete((answer, failure) -> {
                            if (failure != null) {
                                counters.increment("dropped.internal");
                                LOG.error("failed to answer a datagram from {}", source, failure);
                            } else if (answer.isPresent() && !session.isClosing()) {
                                session.write(IoBuffer.wrap(answer.get()));
                            }
                        });
                    } catch (RuntimeException e) {
                        counters.increment("dropped.internal");
                        LOG.error("failed to handle a datagram from {}", source, e);
                    } finally {
                        done(sourceAddress);
                    }
                });
            } catch (RejectedExecutionException e) {
                done(sourceAddress);
                counters.increment("dropped.overload");
            }
        }

        @Override
        public void exceptionCaught(IoSession session, Throwable cause) {
            LOG.warn("UDP endpoint {}: I/O error with {}: {}", localAddress, session.getRemoteAddress(), cause.toString());
        }
    }

    private void done(InetAddress source) {
        pending.computeIfPresent(source, (k, v) -> v <= 1 ? null : v - 1);
    }

    /** Unbinds (the port is free when this returns) and stops the workers. */
    @Override
    public void close() {
        try {
            acceptor.unbind();
        } finally {
            acceptor.dispose(true);
            workers.shutdown();
            try {
                if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                    workers.shutdownNow();
                }
            } catch (InterruptedException e) {
                workers.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
