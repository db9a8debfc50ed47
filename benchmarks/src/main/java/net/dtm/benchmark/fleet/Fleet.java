package net.dtm.benchmark.fleet;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException.Reason;
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
import net.dtm.protocol.Transactions;

/**
 * A fleet of enrolled devices in one JVM speaking the real protocol (ESTABLISH, PARAMS, CONFIRM,
 * ACK, each device with its own key), with the timing of the product's agent ({@code LeaseKeeper},
 * {@code RetryBackoff}, the transport's defaults): an attempt asks every server at once and keeps
 * retransmitting its datagram (250 ms, doubling, at most 3 s between copies) for 5 s; a failed
 * attempt (no PARAMS, or a NAK from every server) is followed by a pause of 0.5 s doubling up to
 * 30 s (back to 0.5 s after a success) and a new attempt (new transaction); the first PARAMS wins and
 * is confirmed to the server that sent it (3 s per CONFIRM; a failed one is retried after the
 * back-off, then doubled, under the same transaction if it went unanswered, a new one after a NAK;
 * UNKNOWN_LEASE: establish again at once).
 * <p>
 * Light-weight: no thread per device. The devices share {@code sources} sockets bound to loopback
 * addresses 127.0.1.1, 127.0.1.2 ... (as routers behind a carrier's NAT share addresses), one selector
 * thread reads every answer and one timer thread, every {@value #TICK_MILLIS} ms, sends what is due.
 * Each device has one link (the real agent sends over every usable link: a router with three sends
 * three times the datagrams).
 * <p>
 * {@link #establishAll} gives every device its first lease, at most {@code window} devices at a
 * time; {@link #lose()} makes every device start over as the agent does when its server is gone
 * (ESTABLISH naming its last address, so it gets the same one back); each first PARAMS after that
 * goes to the {@link RecoveryTracker}.
 */
final class Fleet implements AutoCloseable {

    static final long TICK_MILLIS = 50;
    private static final long FIRST_RTO = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long MAX_RTO = TimeUnit.SECONDS.toNanos(3);
    private static final long ATTEMPT = TimeUnit.SECONDS.toNanos(5);
    private static final long CONFIRM = TimeUnit.SECONDS.toNanos(3);
    private static final long RETRY_MIN = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long RETRY_MAX = TimeUnit.SECONDS.toNanos(30);
    /** Wire version 3, as the agent speaks by default. */
    private static final int WIRE_VERSION = Codec.MAX_VERSION - 1;

    enum Phase { IDLE, ESTABLISHING, CONFIRMING, PAUSED, HELD }

    /** One device; its fields are guarded by itself. */
    static final class Device {
        final int index;
        final DeviceId id;
        final byte[] key;
        final DatagramChannel channel;
        Phase phase = Phase.IDLE;
        /** What a PAUSED device does next: ESTABLISHING or CONFIRMING. */
        Phase resume;
        /** Whether a PAUSED device's next CONFIRM keeps the transaction (the last one went unanswered). */
        boolean sameTransaction;
        long transactionId;
        byte[] datagram;
        long attemptStart;
        long nextSend;
        long rto;
        long resumeAt;
        long backoff = RETRY_MIN;
        int nakMask;
        int server = -1;
        InetAddress address;
        long leaseSequence;
        String pool = "";
        /** Whether it holds a lease (PARAMS received, not lost since). */
        boolean holding;
        /** Whether its first lease was counted. */
        boolean first;

        Device(int index, DeviceId id, byte[] key, DatagramChannel channel) {
            this.index = index;
            this.id = id;
            this.key = key;
            this.channel = channel;
        }
    }

    private final List<InetSocketAddress> servers;
    private final Map<InetSocketAddress, Integer> serverIndex = new HashMap<>();
    private final Device[] devices;
    private final Map<DeviceId, Device> byId;
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final Selector selector;
    private final Thread receiver;
    private final ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "fleet-tick"));
    private final SequenceSource sequences = new SequenceSource();
    private final RecoveryTracker tracker;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger confirmedNow = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final int window;
    private final double jitter;
    private int nextIdle;
    private volatile boolean recovering;
    private volatile boolean closed;
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

    /**
     * @param ids     the devices, enrolled with {@code keys}
     * @param servers every server's control endpoint (each device asks them all)
     * @param sources loopback source addresses the devices share
     * @param window  devices establishing at once during {@link #establishAll}
     * @param jitter  each back-off pause is drawn from [(1 - jitter) x, x]: 0.5 as the agent's
     *                RetryBackoff does, 0 for the lockstep pauses of agents before it
     */
    Fleet(List<DeviceId> ids, java.util.function.Function<DeviceId, byte[]> keys, List<InetSocketAddress> servers,
          int sources, int window, double jitter, RecoveryTracker tracker) throws IOException {
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, got " + jitter);
        }
        this.jitter = jitter;
        if (servers.isEmpty() || servers.size() > 30) {
            throw new IllegalArgumentException("1 to 30 servers, got " + servers.size());
        }
        this.servers = List.copyOf(servers);
        for (int i = 0; i < servers.size(); i++) {
            serverIndex.put(servers.get(i), i);
        }
        this.window = window;
        this.tracker = tracker;
        this.selector = Selector.open();
        try {
            for (int i = 0; i < sources; i++) {
                DatagramChannel ch = DatagramChannel.open();
                channels.add(ch);
                ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
                ch.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
                ch.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, (byte) (1 + i / 250),
                        (byte) (1 + i % 250)}), 0));
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        devices = new Device[ids.size()];
        byId = new HashMap<>(ids.size() * 4 / 3 + 1);
        for (int i = 0; i < devices.length; i++) {
            DeviceId id = ids.get(i);
            devices[i] = new Device(i, id, keys.apply(id), channels.get(i % sources));
            byId.put(id, devices[i]);
        }
        receiver = daemon(this::receive, "fleet-rx");
        receiver.start();
        ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    int size() {
        return devices.length;
    }

    /** Devices holding a lease now (PARAMS received and not lost since). */
    int held() {
        return held.get();
    }

    /** Devices whose lease is confirmed (ACK of their CONFIRM) now. */
    int confirmed() {
        return confirmedNow.get();
    }

    private void holding(Device d, boolean now) {
        if (d.holding != now) {
            d.holding = now;
            held.addAndGet(now ? 1 : -1);
        }
    }

    /** The fleet's counters: datagrams sent and received, NAKs by reason, attempts failed... */
    Map<String, Long> counters() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private void count(String what) {
        counters.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    /** Every device establishes (its first lease), {@code window} at a time; see {@link #held()}. */
    void establishAll() {
        synchronized (this) {
            nextIdle = 0;
        }
        startIdle(System.nanoTime());
    }

    /**
     * The server side is gone: every device drops its lease and starts over now, as the agent does
     * after losing its server (a new ESTABLISH naming its last address, then the agent's back-off).
     */
    void lose() {
        recovering = true;
        long now = System.nanoTime();
        for (Device d : devices) {
            synchronized (d) {
                if (d.phase == Phase.HELD) {
                    confirmedNow.decrementAndGet();
                }
                holding(d, false);
                d.backoff = RETRY_MIN;
                d.phase = Phase.ESTABLISHING;
                newEstablish(d);
                startAttempt(d, now);
            }
        }
    }

    private void startIdle(long now) {
        while (!closed && inFlight.get() < window) {
            Device d;
            synchronized (this) {
                if (nextIdle >= devices.length) {
                    return;
                }
                d = devices[nextIdle++];
            }
            synchronized (d) {
                if (d.phase != Phase.IDLE) {
                    continue;
                }
                inFlight.incrementAndGet();
                d.phase = Phase.ESTABLISHING;
                newEstablish(d);
                startAttempt(d, now);
            }
        }
    }

    /** A new ESTABLISH (new transaction) naming the last address if any; call holding the device. */
    private void newEstablish(Device d) {
        d.transactionId = Transactions.newId();
        d.nakMask = 0;
        d.server = -1;
        Establish body = new Establish(TunnelType.VXLAN, d.pool, List.of(new LinkAddress("eth", "eth",
                new InetSocketAddress("127.0.0.1", 1))), Optional.ofNullable(d.address));
        d.datagram = encode(d, body);
    }

    /**
     * A new CONFIRM of the lease held, to the server that sent it, under a new transaction or the
     * last one (a new sequence number either way); call holding the device.
     */
    private void newConfirm(Device d, boolean sameTransaction) {
        if (!sameTransaction) {
            d.transactionId = Transactions.newId();
        }
        d.datagram = encode(d, new Confirm(d.pool, d.address, d.leaseSequence));
    }

    private byte[] encode(Device d, Message body) {
        return Codec.encode(new Envelope(Direction.TO_SERVER, d.id, d.transactionId, sequences.next(), body, WIRE_VERSION),
                d.key);
    }

    /** First copies of a new attempt now; call holding the device. */
    private void startAttempt(Device d, long now) {
        d.attemptStart = now;
        d.rto = FIRST_RTO;
        count(d.phase == Phase.CONFIRMING ? "confirm.attempts" : "establish.attempts");
        send(d, now);
    }

    /** The device's datagram to every server (CONFIRM: to the one that answered); call holding the device. */
    private void send(Device d, long now) {
        if (d.phase == Phase.CONFIRMING) {
            sendTo(d, servers.get(d.server));
        } else {
            for (InetSocketAddress s : servers) {
                sendTo(d, s);
            }
        }
        d.nextSend = now + d.rto;
        d.rto = Math.min(MAX_RTO, d.rto * 2);
    }

    private void sendTo(Device d, InetSocketAddress to) {
        try {
            if (d.channel.send(ByteBuffer.wrap(d.datagram), to) == 0) {
                count("send.buffer-full");
            } else {
                count("sent");
            }
        } catch (ClosedChannelException e) {
            // closing
        } catch (IOException e) {
            count("send.failed");   // e.g. ICMP port unreachable reported while the server is down
        }
    }

    private void tick() {
        long now = System.nanoTime();
        try {
            for (Device d : devices) {
                synchronized (d) {
                    step(d, now);
                }
            }
            if (!recovering) {
                startIdle(now);
            }
        } catch (RuntimeException e) {
            count("tick.failed");
            System.err.println("fleet: timer step failed: " + e);
        }
    }

    /** What is due for one device at {@code now}; call holding it. */
    private void step(Device d, long now) {
        switch (d.phase) {
            case ESTABLISHING, CONFIRMING -> {
                long limit = d.phase == Phase.CONFIRMING ? CONFIRM : ATTEMPT;
                if (now - d.attemptStart >= limit) {
                    count(d.phase == Phase.CONFIRMING ? "confirm.timedout" : "establish.timedout");
                    fail(d, now, d.phase, true);
                } else if (now - d.nextSend >= 0) {
                    send(d, now);
                }
            }
            case PAUSED -> {
                if (now - d.resumeAt >= 0) {
                    d.phase = d.resume;
                    if (d.phase == Phase.CONFIRMING) {
                        newConfirm(d, d.sameTransaction);
                    } else {
                        newEstablish(d);
                    }
                    startAttempt(d, now);
                }
            }
            default -> {
                // IDLE or HELD: nothing due
            }
        }
    }

    /**
     * An attempt failed ({@code unanswered}: timed out): it pauses for the back-off, then doubled,
     * as the agent's {@code LeaseKeeper} does; call holding the device.
     */
    private void fail(Device d, long now, Phase what, boolean unanswered) {
        // the agent's pause, drawn from [(1 - jitter) x, x] (the agent: jitter 0.5)
        long pause = jitter == 0 ? d.backoff : (long) (d.backoff * (1 - jitter * ThreadLocalRandom.current().nextDouble()));
        d.backoff = Math.min(RETRY_MAX, d.backoff * 2);
        d.sameTransaction = unanswered;
        d.resume = what;
        d.resumeAt = now + pause;
        d.phase = Phase.PAUSED;
    }

    private void receive() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
        while (!closed) {
            try {
                selector.select(200);
                for (SelectionKey k : selector.selectedKeys()) {
                    DatagramChannel ch = (DatagramChannel) k.channel();
                    for (int i = 0; i < 64; i++) {   // a few at a time per socket, then the others
                        SocketAddress from;
                        try {
                            buffer.clear();
                            from = ch.receive(buffer);
                        } catch (IOException e) {
                            if (closed) {
                                return;
                            }
                            count("receive.failed");   // ICMP port unreachable while the server is down
                            break;
                        }
                        if (from == null) {
                            break;
                        }
                        buffer.flip();
                        byte[] datagram = new byte[buffer.remaining()];
                        buffer.get(datagram);
                        handle(datagram, (InetSocketAddress) from);
                    }
                }
                selector.selectedKeys().clear();
            } catch (ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                count("receive.failed");
            }
        }
    }

    private void handle(byte[] datagram, InetSocketAddress from) {
        count("received");
        Header header;
        try {
            header = Codec.peek(datagram);
        } catch (ProtocolException e) {
            count("received.stray");
            return;
        }
        Device d = byId.get(header.device());
        Integer server = serverIndex.get(from);
        if (d == null || server == null) {
            count("received.stray");
            return;
        }
        long now = System.nanoTime();
        synchronized (d) {
            if (header.transactionId() != d.transactionId
                    || (d.phase != Phase.ESTABLISHING && d.phase != Phase.CONFIRMING)) {
                count("received.late");   // a copy answered twice, or an attempt given up
                return;
            }
            Envelope e;
            try {
                e = Codec.decode(datagram, d.key);
            } catch (ProtocolException ex) {
                count("received.invalid");
                return;
            }
            Message body = e.body();
            if (d.phase == Phase.ESTABLISHING && body instanceof Params p) {
                params(d, server, p, now);
            } else if (d.phase == Phase.CONFIRMING && body instanceof Ack) {
                count("confirmed");
                confirmedNow.incrementAndGet();
                d.phase = Phase.HELD;
            } else if (body instanceof Nak nak) {
                nak(d, server, nak, now);
            } else {
                count("received.unexpected");
            }
        }
    }

    /** Holding the device. */
    private void params(Device d, int server, Params p, long now) {
        InetAddress address = p.parameters().innerAddress();
        d.address = address;
        d.leaseSequence = p.leaseSequence();
        d.pool = p.pool();
        d.server = server;
        d.backoff = RETRY_MIN;
        holding(d, true);
        if (recovering) {
            tracker.reestablished(d.index, now, ipv4(address));
        } else {
            tracker.original(d.index, ipv4(address));
            if (!d.first) {
                d.first = true;
                inFlight.decrementAndGet();
            }
        }
        d.phase = Phase.CONFIRMING;
        newConfirm(d, false);
        startAttempt(d, now);
    }

    /** Holding the device. */
    private void nak(Device d, int server, Nak nak, long now) {
        count("nak." + nak.reason().label());
        if (d.phase == Phase.CONFIRMING) {
            if (server != d.server) {
                return;
            }
            if (nak.reason() == Reason.UNKNOWN_LEASE) {
                holding(d, false);
                d.phase = Phase.ESTABLISHING;
                newEstablish(d);
                startAttempt(d, now);
            } else {
                fail(d, now, Phase.CONFIRMING, false);
            }
            return;
        }
        d.nakMask |= 1 << server;
        if (d.nakMask == (1 << servers.size()) - 1) {   // every server refused: the attempt is over
            count("establish.refused");
            fail(d, now, Phase.ESTABLISHING, false);
        }
    }

    static int ipv4(InetAddress a) {
        if (!(a instanceof Inet4Address)) {
            throw new IllegalArgumentException("an IPv4 inner address expected, got " + a);
        }
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    @Override
    public void close() {
        closed = true;
        ticker.shutdownNow();
        try {
            selector.close();
        } catch (IOException e) {
            // closing
        }
        for (DatagramChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing
            }
        }
        if (receiver != null) {
            receiver.interrupt();
        }
    }
}
