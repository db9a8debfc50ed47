package net.dtm.testkit.lease;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import net.dtm.api.DeviceId;
import net.dtm.api.TunnelType;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Confirm;
import net.dtm.protocol.Direction;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Header;
import net.dtm.protocol.LinkAddress;
import net.dtm.protocol.Message;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Params;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.SequenceSource;

/**
 * A new-lease load generator: drives many distinct devices against one DTM server over UDP with
 * the real protocol. Per device: ESTABLISH, PARAMS, CONFIRM, ACK, each request retransmitted
 * (the very same datagram) every {@link Options#timeout()} up to {@link Options#attempts()} times
 * before the device is given up ({@link Listener#timedOut}). A NAK at either step ends the device
 * ({@link Listener#refused}).
 * <p>
 * At most {@code concurrency} devices are in flight at once. The caller's thread encodes and sends
 * every ESTABLISH; {@link Options#receiverThreads()} threads read the answers from all sockets
 * (non-blocking channels on a selector), decode them, and send the CONFIRMs; one ticker thread
 * retransmits. Exchanges are found by (device, transaction id).
 * <p>
 * Source addresses: a DTM server limits how many datagrams one source <em>address</em> may have
 * waiting or in work ({@code source.queue.limit}, 256 by default). To drive more devices than
 * that at once from one host, give {@link Options#localAddresses()} several addresses (on
 * loopback, 127.0.0.2, 127.0.0.3, ... all work on Linux); devices are spread over the sockets
 * round-robin.
 * <p>
 * One run at a time: {@link #runOnce} and {@link #runFor} are serialised. The key map is read, not
 * copied; it must not change during a run.
 */
public final class LeaseClient implements AutoCloseable {

    /** Told what happens to each device. Called from client threads; must be thread-safe and quick. */
    public interface Listener {
        /** PARAMS received (once per device, before its CONFIRM is sent). */
        default void told(DeviceId device, String pool, InetAddress address, long leaseSequence) {
        }

        /** ACK received for the CONFIRM: the lease is bound. */
        default void confirmed(DeviceId device, String pool, InetAddress address, long leaseSequence) {
        }

        /** NAK received for the ESTABLISH or the CONFIRM; {@code reason} is the label, e.g. {@code pool-exhausted}. */
        default void refused(DeviceId device, String reason, String text) {
        }

        /** Given up: no answer after every attempt, or still in flight when a run's deadline passed. */
        default void timedOut(DeviceId device) {
        }
    }

    /**
     * What a run did.
     *
     * @param attempted      devices started
     * @param told           devices that received PARAMS
     * @param confirmed      devices whose CONFIRM was acknowledged
     * @param refused        devices that received a NAK
     * @param timedOut       devices given up (attempted = confirmed + refused + timedOut)
     * @param elapsed        from the first ESTABLISH to the last device finished
     * @param latencyMicros  per confirmed device, first ESTABLISH sent to ACK received, in microseconds, ascending
     */
    public record Result(long attempted, long told, long confirmed, long refused, long timedOut, Duration elapsed,
                         long[] latencyMicros) {

        /** Confirmed devices per second of {@link #elapsed()}. */
        public double confirmedPerSecond() {
            double s = elapsed.toNanos() / 1e9;
            return s <= 0 ? 0 : confirmed / s;
        }

        /** The {@code q}-quantile (0..1) of the confirmed latencies in microseconds, or -1 if none. */
        public long latencyPercentileMicros(double q) {
            if (latencyMicros.length == 0) {
                return -1;
            }
            int i = (int) Math.ceil(q * latencyMicros.length) - 1;
            return latencyMicros[Math.max(0, Math.min(latencyMicros.length - 1, i))];
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT,
                    "attempted=%d told=%d confirmed=%d refused=%d timedOut=%d elapsed=%.3fs rate=%.0f/s p50=%dus p99=%dus",
                    attempted, told, confirmed, refused, timedOut, elapsed.toNanos() / 1e9, confirmedPerSecond(),
                    latencyPercentileMicros(0.5), latencyPercentileMicros(0.99));
        }
    }

    /**
     * How the client talks.
     *
     * @param timeout         how long a request waits for its answer before it is sent again
     * @param attempts        sends of each request (ESTABLISH, then CONFIRM) before the device is given up
     * @param localAddresses  one socket bound to each (port chosen by the system); empty = {@code sockets}
     *                        sockets on the wildcard address
     * @param sockets         sockets when {@code localAddresses} is empty
     * @param receiverThreads threads reading answers (at most one per socket)
     * @param pool            pool asked for; empty = the server's default pool
     * @param tunnelType      tunnel type asked for (the server refuses one it does not offer)
     */
    public record Options(Duration timeout, int attempts, List<InetAddress> localAddresses, int sockets,
                          int receiverThreads, String pool, TunnelType tunnelType) {

        /** 1 s timeout, 4 attempts, one wildcard socket, one receiver thread, default pool, VXLAN. */
        public static final Options DEFAULTS = new Options(Duration.ofSeconds(1), 4, List.of(), 1, 1, "", TunnelType.VXLAN);

        public Options {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(pool, "pool");
            Objects.requireNonNull(tunnelType, "tunnelType");
            localAddresses = List.copyOf(localAddresses);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
            }
            if (sockets < 1) {
                throw new IllegalArgumentException("sockets must be at least 1, got " + sockets);
            }
            if (receiverThreads < 1) {
                throw new IllegalArgumentException("receiver threads must be at least 1, got " + receiverThreads);
            }
        }

        public Options withTimeout(Duration t) {
            return new Options(t, attempts, localAddresses, sockets, receiverThreads, pool, tunnelType);
        }

        public Options withAttempts(int n) {
            return new Options(timeout, n, localAddresses, sockets, receiverThreads, pool, tunnelType);
        }

        public Options withLocalAddresses(List<InetAddress> a) {
            return new Options(timeout, attempts, a, sockets, receiverThreads, pool, tunnelType);
        }

        public Options withSockets(int n) {
            return new Options(timeout, attempts, localAddresses, n, receiverThreads, pool, tunnelType);
        }

        public Options withReceiverThreads(int n) {
            return new Options(timeout, attempts, localAddresses, sockets, n, pool, tunnelType);
        }

        public Options withPool(String p) {
            return new Options(timeout, attempts, localAddresses, sockets, receiverThreads, p, tunnelType);
        }

        public Options withTunnelType(TunnelType t) {
            return new Options(timeout, attempts, localAddresses, sockets, receiverThreads, pool, t);
        }

        /** {@code n} loopback source addresses 127.0.0.2 ... 127.0.0.(n+1) (Linux answers on all of 127/8). */
        public static List<InetAddress> loopbackAddresses(int n) {
            if (n < 1 || n > 250) {
                throw new IllegalArgumentException("between 1 and 250 loopback addresses, got " + n);
            }
            List<InetAddress> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                try {
                    out.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (i + 2)}));
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
            return out;
        }
    }

    private static final Listener SILENT = new Listener() {
    };

    private enum Phase { ESTABLISH, CONFIRM, DONE }

    private enum Outcome { CONFIRMED, REFUSED, TIMED_OUT }

    private record Key(DeviceId device, long transactionId) {
    }

    /** One device's establishment. Mutable fields are guarded by the exchange itself. */
    private static final class Exchange {
        final DeviceId device;
        final byte[] key;
        final Run run;
        final DatagramChannel channel;
        final long startNanos;
        Phase phase = Phase.ESTABLISH;
        long transactionId;
        byte[] datagram;
        int sends;
        long deadlineNanos;
        String pool;
        InetAddress address;
        long leaseSequence;
        Nak nak;

        Exchange(DeviceId device, byte[] key, Run run, DatagramChannel channel, long startNanos) {
            this.device = device;
            this.key = key;
            this.run = run;
            this.channel = channel;
            this.startNanos = startNanos;
        }
    }

    /** The counters and permits of one run. */
    private final class Run {
        final Semaphore permits = new Semaphore(concurrency);
        final long startNanos = System.nanoTime();
        final LongAdder attempted = new LongAdder();
        final LongAdder told = new LongAdder();
        final LongAdder confirmed = new LongAdder();
        final LongAdder refused = new LongAdder();
        final LongAdder timedOut = new LongAdder();
        final AtomicLong lastFinishNanos = new AtomicLong(startNanos);
        private long[] latencies = new long[1024];
        private int latencyCount;

        synchronized void latency(long micros) {
            if (latencyCount == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[latencyCount++] = micros;
        }

        synchronized long[] sortedLatencies() {
            long[] out = Arrays.copyOf(latencies, latencyCount);
            Arrays.sort(out);
            return out;
        }

        Result result() {
            long end = lastFinishNanos.get();
            return new Result(attempted.sum(), told.sum(), confirmed.sum(), refused.sum(), timedOut.sum(),
                    Duration.ofNanos(Math.max(0, end - startNanos)), sortedLatencies());
        }
    }

    private final InetSocketAddress server;
    private final Map<DeviceId, byte[]> keys;
    private final int concurrency;
    private final Listener listener;
    private final Options options;
    private final long timeoutNanos;
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<Selector> selectors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentHashMap<Key, Exchange> inflight = new ConcurrentHashMap<>();
    private final SequenceSource sequences = new SequenceSource();
    private final AtomicInteger nextChannel = new AtomicInteger();
    private final LongAdder strays = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();
    private final LongAdder retransmissions = new LongAdder();
    private final Object runLock = new Object();
    private volatile boolean closed;

    /** A client with {@link Options#DEFAULTS}. */
    public LeaseClient(InetSocketAddress server, Map<DeviceId, byte[]> keys, int concurrency, Listener listener)
            throws IOException {
        this(server, keys, concurrency, listener, Options.DEFAULTS);
    }

    /**
     * Opens the sockets and starts the receiver and retransmission threads.
     *
     * @param server      the server's control endpoint (an IP address, not a host name)
     * @param keys        each device's 32-byte key; read during runs, not copied
     * @param concurrency devices in flight at once
     * @param listener    told about every device; null for none
     * @param options     timeouts, sockets, pool
     * @throws IOException if a socket cannot be opened or bound
     */
    public LeaseClient(InetSocketAddress server, Map<DeviceId, byte[]> keys, int concurrency, Listener listener,
                       Options options) throws IOException {
        this.server = Objects.requireNonNull(server, "server");
        if (server.isUnresolved()) {
            throw new IllegalArgumentException("server " + server + " is unresolved: give an IP address");
        }
        this.keys = Objects.requireNonNull(keys, "keys");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        this.concurrency = concurrency;
        this.listener = listener == null ? SILENT : listener;
        this.options = Objects.requireNonNull(options, "options");
        this.timeoutNanos = options.timeout().toNanos();
        try {
            List<InetSocketAddress> binds = new ArrayList<>();
            if (options.localAddresses().isEmpty()) {
                for (int i = 0; i < options.sockets(); i++) {
                    binds.add(new InetSocketAddress(0));
                }
            } else {
                options.localAddresses().forEach(a -> binds.add(new InetSocketAddress(a, 0)));
            }
            for (InetSocketAddress bind : binds) {
                DatagramChannel ch = DatagramChannel.open();
                channels.add(ch);
                ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
                ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
                try {
                    ch.bind(bind);
                } catch (IOException e) {
                    throw new IOException("cannot bind a client socket to " + bind.getAddress().getHostAddress()
                            + ": " + e.getMessage(), e);
                }
                ch.configureBlocking(false);
            }
            int receivers = Math.min(options.receiverThreads(), channels.size());
            for (int i = 0; i < receivers; i++) {
                selectors.add(Selector.open());
            }
            for (int i = 0; i < channels.size(); i++) {
                channels.get(i).register(selectors.get(i % receivers), SelectionKey.OP_READ);
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
        for (int i = 0; i < selectors.size(); i++) {
            Selector selector = selectors.get(i);
            threads.add(daemon("lease-client-receiver-" + (i + 1), () -> receive(selector)));
        }
        threads.add(daemon("lease-client-ticker", this::tick));
        threads.forEach(Thread::start);
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The local addresses of the client's sockets. */
    public List<InetSocketAddress> localAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (DatagramChannel ch : channels) {
            try {
                out.add((InetSocketAddress) ch.getLocalAddress());
            } catch (IOException e) {
                // closed
            }
        }
        return out;
    }

    /** Datagrams received that matched no exchange in flight or did not authenticate (late duplicates, strays). */
    public long strayDatagrams() {
        return strays.sum();
    }

    /** Requests sent again after their timeout, over the client's life. */
    public long retransmissions() {
        return retransmissions.sum();
    }

    /** Sends the socket refused (e.g. buffer full), over the client's life; retransmission covers them. */
    public long sendErrors() {
        return sendErrors.sum();
    }

    /**
     * Establishes every listed device once (in order, {@code concurrency} at a time); returns when
     * all finished or {@code deadline} passed. Devices still in flight at the deadline are given
     * up ({@link Listener#timedOut}); devices not started by then are not counted at all.
     *
     * @throws IllegalArgumentException if a listed device has no key
     */
    public Result runOnce(List<DeviceId> devices, Duration deadline) {
        Objects.requireNonNull(devices, "devices");
        synchronized (runLock) {
            Run run = new Run();
            long end = run.startNanos + deadline.toNanos();
            for (DeviceId device : devices) {
                if (!acquire(run, end)) {
                    break;
                }
                start(run, device);
            }
            drain(run, end);
            return run.result();
        }
    }

    /**
     * Keeps establishing devices from the iterator until {@code duration} has passed (new-lease
     * load), then waits for the devices in flight to finish (each is bounded by its attempts) and
     * returns; {@link Result#elapsed()} includes that wait.
     *
     * @throws IllegalArgumentException if a device has no key
     */
    public Result runFor(Iterator<DeviceId> devices, Duration duration) {
        Objects.requireNonNull(devices, "devices");
        synchronized (runLock) {
            Run run = new Run();
            long end = run.startNanos + duration.toNanos();
            while (devices.hasNext() && acquire(run, end)) {
                start(run, devices.next());
            }
            // an exchange lasts at most two requests of `attempts` sends each
            long bound = System.nanoTime() + 2 * options.attempts() * timeoutNanos + TimeUnit.SECONDS.toNanos(1);
            drain(run, bound);
            return run.result();
        }
    }

    private boolean acquire(Run run, long endNanos) {
        long wait = endNanos - System.nanoTime();
        if (wait <= 0 || closed) {
            return false;
        }
        try {
            return run.permits.tryAcquire(wait, TimeUnit.NANOSECONDS) && !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until every permit is back or {@code endNanos}; then gives up whatever is still in flight. */
    private void drain(Run run, long endNanos) {
        boolean all = false;
        try {
            long wait = endNanos - System.nanoTime();
            all = wait > 0 && run.permits.tryAcquire(concurrency, wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (all) {
            run.permits.release(concurrency);
            return;
        }
        for (Exchange x : inflight.values()) {
            if (x.run != run) {
                continue;
            }
            boolean mine;
            synchronized (x) {
                mine = x.phase != Phase.DONE;
                if (mine) {
                    inflight.remove(new Key(x.device, x.transactionId), x);
                    x.phase = Phase.DONE;
                }
            }
            if (mine) {
                finish(x, Outcome.TIMED_OUT);
            }
        }
    }

    private void start(Run run, DeviceId device) {
        byte[] key = keys.get(device);
        if (key == null) {
            run.permits.release();
            throw new IllegalArgumentException("no key for device " + device + ": every device driven must be in the key map");
        }
        DatagramChannel channel = channels.get(Math.floorMod(nextChannel.getAndIncrement(), channels.size()));
        Exchange x = new Exchange(device, key, run, channel, System.nanoTime());
        InetSocketAddress local;
        try {
            local = (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            local = new InetSocketAddress(0);
        }
        Establish body = new Establish(options.tunnelType(), options.pool(),
                List.of(new LinkAddress("bench", "lte", local)), Optional.empty());
        byte[] datagram;
        synchronized (x) {
            x.transactionId = newTransactionId();
            x.datagram = datagram = Codec.encode(new Envelope(Direction.TO_SERVER, device, x.transactionId,
                    sequences.next(), body), key);
            x.sends = 1;
            x.deadlineNanos = System.nanoTime() + timeoutNanos;
            inflight.put(new Key(device, x.transactionId), x);
        }
        run.attempted.increment();
        send(channel, datagram);
    }

    private static long newTransactionId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return id;
    }

    private void send(DatagramChannel channel, byte[] datagram) {
        try {
            if (channel.send(ByteBuffer.wrap(datagram), server) == 0) {
                sendErrors.increment();
            }
        } catch (ClosedChannelException e) {
            // closing
        } catch (IOException e) {
            sendErrors.increment();
        }
    }

    // ---------------------------------------------------------------- receiving

    private void receive(Selector selector) {
        SelectedDatagrams.loop(selector, this::handle, () -> closed, strays::increment);
    }

    private void handle(byte[] datagram) {
        Header header;
        try {
            header = Codec.peek(datagram);
        } catch (ProtocolException e) {
            strays.increment();
            return;
        }
        Key k = new Key(header.device(), header.transactionId());
        Exchange x = inflight.get(k);
        if (x == null) {
            strays.increment();   // a late copy of an answer already taken, or not ours
            return;
        }
        Envelope answer;
        try {
            answer = Codec.decode(datagram, x.key);
        } catch (ProtocolException e) {
            strays.increment();
            return;
        }
        if (answer.direction() != Direction.TO_DEVICE) {
            strays.increment();
            return;
        }
        Message body = answer.body();
        byte[] confirm = null;
        Outcome outcome = null;
        synchronized (x) {
            if (x.phase == Phase.DONE || x.transactionId != header.transactionId()) {
                strays.increment();
                return;
            }
            if (x.phase == Phase.ESTABLISH && body instanceof Params p) {
                inflight.remove(k, x);
                x.pool = p.pool();
                x.address = p.parameters().innerAddress();
                x.leaseSequence = p.leaseSequence();
                x.phase = Phase.CONFIRM;
                x.transactionId = newTransactionId();
                x.datagram = confirm = Codec.encode(new Envelope(Direction.TO_SERVER, x.device, x.transactionId,
                        sequences.next(), new Confirm(x.pool, x.address, x.leaseSequence)), x.key);
                x.sends = 1;
                x.deadlineNanos = System.nanoTime() + timeoutNanos;
                inflight.put(new Key(x.device, x.transactionId), x);
            } else if (x.phase == Phase.CONFIRM && body instanceof Ack) {
                inflight.remove(k, x);
                x.phase = Phase.DONE;
                outcome = Outcome.CONFIRMED;
            } else if (body instanceof Nak nak) {
                inflight.remove(k, x);
                x.phase = Phase.DONE;
                outcome = Outcome.REFUSED;
                x.nak = nak;
            } else {
                strays.increment();
                return;
            }
        }
        if (confirm != null) {
            x.run.told.increment();
            listener.told(x.device, x.pool, x.address, x.leaseSequence);
            send(x.channel, confirm);
        } else {
            finish(x, outcome);
        }
    }

    private void finish(Exchange x, Outcome outcome) {
        Run run = x.run;
        long now = System.nanoTime();
        try {
            switch (outcome) {
                case CONFIRMED -> {
                    run.confirmed.increment();
                    run.latency((now - x.startNanos) / 1_000);
                    listener.confirmed(x.device, x.pool, x.address, x.leaseSequence);
                }
                case REFUSED -> {
                    run.refused.increment();
                    Nak nak;
                    synchronized (x) {
                        nak = x.nak;
                    }
                    listener.refused(x.device, nak.reason().label(), nak.text());
                }
                case TIMED_OUT -> {
                    run.timedOut.increment();
                    listener.timedOut(x.device);
                }
            }
        } finally {
            run.lastFinishNanos.accumulateAndGet(now, Math::max);
            run.permits.release();
        }
    }

    // ---------------------------------------------------------------- retransmission

    private void tick() {
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(2), Math.min(TimeUnit.MILLISECONDS.toNanos(50), timeoutNanos / 10));
        while (!closed) {
            try {
                TimeUnit.NANOSECONDS.sleep(period);   // a polling period, not synchronisation
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Exchange x : inflight.values()) {
                byte[] again = null;
                boolean gaveUp = false;
                synchronized (x) {
                    if (x.phase == Phase.DONE || now - x.deadlineNanos < 0) {
                        continue;
                    }
                    if (x.sends >= options.attempts()) {
                        inflight.remove(new Key(x.device, x.transactionId), x);
                        x.phase = Phase.DONE;
                        gaveUp = true;
                    } else {
                        x.sends++;
                        x.deadlineNanos = now + timeoutNanos;
                        again = x.datagram;
                    }
                }
                if (gaveUp) {
                    finish(x, Outcome.TIMED_OUT);
                } else if (again != null) {
                    retransmissions.increment();
                    send(x.channel, again);
                }
            }
        }
    }

    /** Stops the threads and closes the sockets. A run in progress ends early. */
    @Override
    public void close() {
        closed = true;
        closeQuietly();
        for (Thread t : threads) {
            t.interrupt();
            try {
                t.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void closeQuietly() {
        for (Selector s : selectors) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        for (DatagramChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
