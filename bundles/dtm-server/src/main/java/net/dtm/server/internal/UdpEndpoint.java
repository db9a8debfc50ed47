package net.dtm.server.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's UDP control endpoint: one receive thread on a plain {@link DatagramChannel} copies
 * each datagram, sorts it with the {@link Screen}, passes it through a token bucket ({@link
 * SourceBuckets}: a known device's own in the priority lane, so routers sharing one address behind
 * a carrier's NAT are not limited together; else its source address's) and queues it in a lane of
 * the worker pool ({@link WorkLanes}); the answer goes back to the datagram's source from the same
 * channel, sent by whichever thread finished it: the worker, or for a request whose answer waits for
 * a store write, the store's thread that ended the write (the worker has moved on by then; at most
 * {@link #IN_WORK_PER_THREAD} requests per worker are in work at once).
 * <p>
 * Memory is bounded whatever the number of sources: nothing is kept per source but the bounded
 * bucket table and what waits in the bounded lanes. (MINA's datagram acceptor, used before, creates
 * a session with its own filter chain and attribute map for every new source address and keeps it
 * 60 s: 1.5 M spoofed sources took 1.9 GB. Its session recycler can bound how many are kept, but
 * not the creation and closing of one per spoofed datagram on its single I/O thread: tried with a
 * bounded LRU recycler (4,096 sessions) and answers re-sent through {@code newSession}, the heap
 * stayed bounded but the I/O thread read only 86-89 % of one loopback sender's datagrams, a known
 * device's renewal was lost in the kernel while garbage flooded, and a 15 s-phase flood run gave
 * p99 ratio 11.0 against 4.5 with this channel.)
 * <p>
 * Drops, counted by reason: {@code dropped.source-rate} (the source's bucket is empty), {@code
 * dropped.device-rate} (a known device's bucket is empty), {@code
 * dropped.source-limit} (the source already has {@code perSourceLimit} datagrams waiting or in
 * work), {@code dropped.overload} (its lane is full; or an overloaded lane, serving its newest
 * datagrams first, dropped it, its oldest, for a new one: see {@link WorkLanes}), {@code dropped.stale} (with a screen: it
 * waited in the normal lane longer than {@link #NORMAL_MAX_WAIT}, or in the priority lane longer
 * than {@link #PRIORITY_MAX_WAIT}; its sender has retransmitted it or moved on to a new request
 * since, so answering it would only delay the fresher copies queued behind it), and the screen's.
 * Agents retransmit, so a drop under overload costs latency, not correctness.
 */
public final class UdpEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UdpEndpoint.class);

    /** Larger than any valid datagram, so oversized ones arrive whole enough to be rejected as such. */
    private static final int READ_BUFFER = 2048;

    /** Where a received datagram waits for a worker, if anywhere. */
    public enum Lane { PRIORITY, NORMAL, DROP }

    /**
     * Where a screened datagram goes, and the sender it counts against: a known device's id for
     * the priority lane (limited as itself, wherever it sends from), null for its source address.
     */
    public record Sorted(Lane lane, Object rateKey) {
        /** The normal lane, counted against the source address. */
        public static final Sorted NORMAL = new Sorted(Lane.NORMAL, null);
        /** Dropped at once. */
        public static final Sorted DROP = new Sorted(Lane.DROP, null);
    }

    /** Sorts a received datagram into a lane, from its bytes only and without blocking (the receive thread runs it). */
    public interface Screen {
        /** The lane of {@code datagram}; {@link Lane#DROP} drops it (the screen counts why). */
        Sorted sort(byte[] datagram);

        /** Told when {@code datagram} got an answer. */
        default void answered(byte[] datagram) {
        }
    }

    /**
     * How long a datagram may wait in the normal lane (with a screen) before it is dropped unanswered
     * ({@code dropped.stale}): well under an agent's attempt (5 s, then a new transaction), so an
     * answer still reaches the attempt that asked. (Without it, a fleet enrolling at once kept the
     * lane full of datagrams whose routers had moved on: 73 % of those worked on had waited over 5 s.)
     */
    static final Duration NORMAL_MAX_WAIT = Duration.ofSeconds(2);

    /**
     * How long a datagram may wait in the priority lane (with a screen) before it is dropped
     * unanswered ({@code dropped.stale}): an agent's whole attempt (5 s; a CONFIRM's is 3 s), after
     * which the agent has sent the request again in a fresher datagram, queued behind this one, or
     * given the attempt up. Only a node swamped by a whole fleet coming back at once gets there: in
     * the fleet-recovery benchmark 31,548 answers reached agents that had given up (waits of over
     * 5 s), each one a worker's store round trip taken from a device still waiting.
     */
    static final Duration PRIORITY_MAX_WAIT = Duration.ofSeconds(5);

    /** Requests in work at once per worker thread (1,024 with a node's 64), store writes in flight included. */
    static final int IN_WORK_PER_THREAD = 16;

    /** Every datagram waits in the normal lane. */
    public static final Screen NO_SCREEN = datagram -> Sorted.NORMAL;

    /**
     * How much an endpoint takes in.
     *
     * @param threads        worker threads
     * @param queueCapacity  datagrams that may wait for a worker, in each lane
     * @param perSourceLimit datagrams one source address may have waiting or in work
     * @param sourceRate     datagrams per second a source address (IPv4 /32, IPv6 /64) may send on average
     * @param sourceBurst    datagrams a source address may send at once
     * @param sourceTable    source addresses tracked at most (beyond: they share one bucket)
     */
    public record Limits(int threads, int queueCapacity, int perSourceLimit, double sourceRate, int sourceBurst,
                         int sourceTable) {
        /** Defaults of a node: well above what a router sends (a few datagrams per lease and link). */
        public static final double DEFAULT_SOURCE_RATE = 200;
        public static final int DEFAULT_SOURCE_BURST = 100;
        public static final int DEFAULT_SOURCE_TABLE = 65_536;

        public Limits {
            if (threads < 1 || queueCapacity < 1 || perSourceLimit < 1) {
                throw new IllegalArgumentException("threads, queue capacity and per-source limit must be positive");
            }
            if (!(sourceRate > 0) || sourceBurst < 1 || sourceTable < 1) {
                throw new IllegalArgumentException("source rate, source burst and source table size must be positive");
            }
        }

        /** These limits, with the default source buckets. */
        public static Limits of(int threads, int queueCapacity, int perSourceLimit) {
            return new Limits(threads, queueCapacity, perSourceLimit, DEFAULT_SOURCE_RATE, DEFAULT_SOURCE_BURST,
                    DEFAULT_SOURCE_TABLE);
        }
    }

    /** Told how long each answered datagram took, from received to its answer sent, and what the answer was. */
    @FunctionalInterface
    public interface AnswerTiming {
        /** {@code datagram} was answered with {@code answer}, sent {@code nanos} after the datagram was received. */
        void answered(byte[] datagram, byte[] answer, long nanos);
    }

    /** Times nothing. */
    public static final AnswerTiming NO_TIMING = (datagram, answer, nanos) -> { };

    /** Computes the answer to one datagram; the future may complete later, on another thread. */
    @FunctionalInterface
    public interface DatagramHandler {
        /** The answer to send back to {@code source}, or empty to drop silently. */
        CompletableFuture<Optional<byte[]>> handle(byte[] datagram, InetSocketAddress source);
    }

    private final DatagramChannel channel;
    private final WorkLanes workers;
    private final DatagramHandler handler;
    private final Screen screen;
    private final AnswerTiming timing;
    private final Counters counters;
    private final int perSourceLimit;
    private final SourceBuckets buckets;
    /** Known devices' buckets (priority lane), guarded by {@link #buckets}. */
    private final SourceBuckets deviceBuckets;
    /** Nanoseconds a datagram may wait in the normal lane; Long.MAX_VALUE without a screen. */
    private final long normalMaxWait;
    private final long priorityMaxWait;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<InetAddress, Integer> pending = new ConcurrentHashMap<>();
    /**
     * Requests in work at once, counting those whose answer waits for a store write without a
     * thread: a worker waits for a permit before it takes one more, so a store that falls behind
     * holds the workers, and the lanes fill and shed, as when each write held its worker.
     */
    private final Semaphore inWork;
    private final InetSocketAddress localAddress;
    private final Thread receiver;

    /**
     * Binds at once; no screen, default source buckets.
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
        this(bind, sync(Objects.requireNonNull(handler, "handler")), NO_SCREEN, counters,
                Limits.of(threads, queueCapacity, perSourceLimit), NORMAL_MAX_WAIT, System::nanoTime, NO_TIMING);
    }

    /**
     * Binds at once, with a handler that may answer later: a worker is held only while the handler
     * runs, not while its future is pending (e.g. a copy of a request waiting for the first copy's
     * answer).
     *
     * @param screen sorts datagrams into lanes before they are queued
     * @throws IOException if the address cannot be bound (e.g. the port is in use)
     */
    public static UdpEndpoint async(InetSocketAddress bind, DatagramHandler handler, Screen screen, Counters counters,
                                    Limits limits) throws IOException {
        return async(bind, handler, screen, counters, limits, NO_TIMING);
    }

    /**
     * Like {@link #async(InetSocketAddress, DatagramHandler, Screen, Counters, Limits)}, telling
     * {@code timing} how long each answered datagram took from received to answer sent.
     */
    public static UdpEndpoint async(InetSocketAddress bind, DatagramHandler handler, Screen screen, Counters counters,
                                    Limits limits, AnswerTiming timing) throws IOException {
        return new UdpEndpoint(bind, Objects.requireNonNull(handler, "handler"), screen, counters, limits,
                NORMAL_MAX_WAIT, System::nanoTime, timing);
    }

    /** Like {@link #async(InetSocketAddress, DatagramHandler, Screen, Counters, Limits)}, with the normal lane's wait and clock given (tests). */
    static UdpEndpoint async(InetSocketAddress bind, DatagramHandler handler, Screen screen, Counters counters,
                             Limits limits, Duration normalMaxWait, LongSupplier nanoTime) throws IOException {
        return new UdpEndpoint(bind, Objects.requireNonNull(handler, "handler"), screen, counters, limits,
                normalMaxWait, nanoTime, NO_TIMING);
    }

    private static DatagramHandler sync(BiFunction<byte[], InetSocketAddress, Optional<byte[]>> f) {
        return (datagram, source) -> CompletableFuture.completedFuture(f.apply(datagram, source));
    }

    private UdpEndpoint(InetSocketAddress bind, DatagramHandler handler, Screen screen, Counters counters, Limits limits,
                        Duration normalMaxWait, LongSupplier nanoTime, AnswerTiming timing) throws IOException {
        Objects.requireNonNull(bind, "bind");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        // without a screen every datagram is in the normal lane: none is judged stale
        this.normalMaxWait = screen == NO_SCREEN ? Long.MAX_VALUE : normalMaxWait.toNanos();
        this.priorityMaxWait = screen == NO_SCREEN ? Long.MAX_VALUE : PRIORITY_MAX_WAIT.toNanos();
        this.handler = handler;
        this.screen = Objects.requireNonNull(screen, "screen");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.perSourceLimit = limits.perSourceLimit();
        this.buckets = new SourceBuckets(limits.sourceRate(), limits.sourceBurst(), limits.sourceTable(), System::nanoTime);
        this.deviceBuckets = new SourceBuckets(limits.sourceRate(), limits.sourceBurst(), limits.sourceTable(), System::nanoTime);
        this.channel = DatagramChannel.open();
        try {
            // No SO_REUSEADDR: UDP has no TIME_WAIT to step over, and with it a second server on the
            // same port would bind "successfully" and silently take part of the traffic.
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, false);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            channel.bind(bind);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("cannot bind UDP " + bind.getHostString() + ":" + bind.getPort() + ": " + e.getMessage(), e);
        }
        this.localAddress = (InetSocketAddress) channel.getLocalAddress();
        // the normal lane (unknown devices: store reads) may hold an eighth of the workers
        int threads = limits.threads();
        this.inWork = new Semaphore(threads * IN_WORK_PER_THREAD);
        this.workers = new WorkLanes(threads, limits.queueCapacity(), screen == NO_SCREEN ? threads : Math.max(1, threads / 8),
                "dtm-server-worker-", nanoTime);
        this.receiver = new Thread(this::receive, "dtm-server-udp-" + localAddress.getPort());
        receiver.setDaemon(true);
        receiver.start();
    }

    /** The bound address. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The bound port. */
    public int port() {
        return localAddress.getPort();
    }

    /** Source addresses whose token bucket is tracked now (bounded by {@link Limits#sourceTable()}). */
    public int trackedSources() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    /** Whether the socket is still bound (not closed). */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Datagrams waiting for a worker now, in both lanes (tests). */
    int waiting() {
        return workers.waiting();
    }

    private void receive() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BUFFER);
        while (channel.isOpen()) {
            InetSocketAddress source;
            try {
                buffer.clear();
                source = (InetSocketAddress) channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warn("UDP endpoint {}: receive failed: {}", localAddress, e.toString());
                continue;
            }
            buffer.flip();
            byte[] datagram = new byte[buffer.remaining()];
            buffer.get(datagram);
            accept(datagram, source);
        }
    }

    private void accept(byte[] datagram, InetSocketAddress source) {
        long receivedAt = nanoTime.getAsLong();
        InetAddress sourceAddress = source.getAddress();
        Sorted sorted = screen.sort(datagram);
        Lane lane = sorted.lane();
        if (lane == Lane.DROP) {
            return;
        }
        // A known device is limited as itself, not by its source address: many routers may share
        // one address (carrier-grade NAT), and a device may come from several.
        Object device = sorted.rateKey();
        boolean allowed;
        synchronized (buckets) {
            allowed = device != null ? deviceBuckets.tryAcquireKey(device) : buckets.tryAcquire(sourceAddress);
        }
        if (!allowed) {
            counters.increment(device != null ? "dropped.device-rate" : "dropped.source-rate");
            return;
        }
        int queued = pending.merge(sourceAddress, 1, Integer::sum);
        if (queued > perSourceLimit) {
            done(sourceAddress);
            counters.increment("dropped.source-limit");
            return;
        }
        boolean first = lane == Lane.PRIORITY;
        Runnable overload = () -> {
            done(sourceAddress);
            counters.increment("dropped.overload");
        };
        if (!workers.offer(first, () -> {
            if (nanoTime.getAsLong() - receivedAt > (first ? priorityMaxWait : normalMaxWait)) {
                done(sourceAddress);
                counters.increment("dropped.stale");
                return;
            }
            work(datagram, source, receivedAt);
        }, overload)) {
            overload.run();
        }
    }

    private void work(byte[] datagram, InetSocketAddress source, long receivedAt) {
        inWork.acquireUninterruptibly();
        CompletableFuture<Optional<byte[]>> answer;
        try {
            answer = handler.handle(datagram, source);
        } catch (RuntimeException e) {
            finished(source);
            counters.increment("dropped.internal");
            LOG.error("failed to handle a datagram from {}", source, e);
            return;
        }
        answer.whenComplete((a, failure) -> {
            try {
                if (failure != null) {
                    counters.increment("dropped.internal");
                    LOG.error("failed to answer a datagram from {}", source, failure);
                } else if (a.isPresent()) {
                    send(a.get(), source);
                    timing.answered(datagram, a.get(), nanoTime.getAsLong() - receivedAt);
                    screen.answered(datagram);
                }
            } finally {
                finished(source);
            }
        });
    }

    /** A request's work ended (answered, dropped or failed): its permit and its source's count go back. */
    private void finished(InetSocketAddress source) {
        inWork.release();
        done(source.getAddress());
    }

    private void send(byte[] answer, InetSocketAddress to) {
        try {
            channel.send(ByteBuffer.wrap(answer), to);
        } catch (ClosedChannelException e) {
            // closing: the answer is dropped, as any datagram may be
        } catch (IOException | RuntimeException e) {
            counters.increment("dropped.send-failed");
            LOG.debug("UDP endpoint {}: cannot send to {}: {}", localAddress, to, e.toString());
        }
    }

    private void done(InetAddress source) {
        pending.computeIfPresent(source, (k, v) -> v <= 1 ? null : v - 1);
    }

    /** Unbinds (the port is free when this returns) and stops the workers. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("UDP endpoint {}: close failed: {}", localAddress, e.toString());
        } finally {
            try {
                receiver.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            workers.close(5);
        }
    }
}
