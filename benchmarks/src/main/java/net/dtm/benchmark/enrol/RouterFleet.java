package net.dtm.benchmark.enrol;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import net.dtm.api.DeviceId;
import net.dtm.api.TunnelType;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Confirm;
import net.dtm.protocol.Direction;
import net.dtm.protocol.EnrolCodec;
import net.dtm.protocol.EnrolReply;
import net.dtm.protocol.EnrolRequest;
import net.dtm.protocol.EnrolmentToken;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Header;
import net.dtm.protocol.LinkAddress;
import net.dtm.protocol.Message;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Params;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.RouterKeyPair;
import net.dtm.protocol.SequenceSource;
import net.dtm.protocol.Transactions;
import net.dtm.testkit.lease.SelectedDatagrams;

/**
 * Many routers out of the box, in one JVM, speaking the real protocol: each has its own X25519 key
 * pair and device id, sends a signed ENROL over each of its links to every server at once, and, once
 * granted a credential, establishes with it (ESTABLISH, PARAMS, CONFIRM, ACK) as the agent does.
 * <p>
 * What is emulated, and how: a router's links are sockets of a shared set bound to different
 * loopback addresses (routers share source addresses as they do behind a carrier's NAT); each
 * datagram is lost with probability {@code loss} on its way out and again on its way back,
 * independently, and delayed by the link's one-way time ({@link #ONE_WAY_MS}: 5G, LTE, LEO). Each
 * copy is sent again on its link's retransmission timer, 250 ms doubling to 3 s, the agent's
 * transport's defaults for a link with no round trip measured (a fleet that has just booted).
 * Real agents do not run here: each has threads of its own per link, too many for 10,000 of them
 * in one JVM.
 * <p>
 * What is checked: every GRANTED reply a router gets holds the same key ({@link #conflictingGrants}
 * counts the others: a duplicate enrolment), and every router establishes with the key it was
 * granted (a PARAMS authenticated with it).
 */
final class RouterFleet implements AutoCloseable {

    /** One-way delay of each of a router's links, in ms: 5G, LTE and LEO, as the establishment benchmark's. */
    static final int[] ONE_WAY_MS = {10, 20, 25};
    private static final long FIRST_RTO_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long MAX_RTO_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** How long one attempt keeps retransmitting its datagram before a new attempt (new transaction), as the agent's. */
    private static final long ATTEMPT_NANOS = TimeUnit.SECONDS.toNanos(5);

    enum Phase { ENROLLING, ESTABLISHING, CONFIRMING, DONE }

    /** One router. Fields are guarded by the router itself. */
    final class Router {
        final DeviceId device;
        final RouterKeyPair keys = RouterKeyPair.generate();
        final SequenceSource sequence = new SequenceSource();
        Phase phase = Phase.ENROLLING;
        EnrolRequest sent;
        long transactionId;
        byte[] datagram;
        byte[] deviceKey;
        long enrolledNanos;
        long establishedNanos;
        long nextSendNanos;
        long attemptStartNanos;
        int attempts;
        long rtoNanos = FIRST_RTO_NANOS;
        String pool = "";
        InetAddress address;
        long leaseSequence;
        InetSocketAddress server;
        String refusal;

        Router(DeviceId device) {
            this.device = device;
        }
    }

    private final List<InetSocketAddress> servers;
    private final double loss;
    private final EnrolmentToken token;
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final Map<DeviceId, Router> routers = new ConcurrentHashMap<>();
    private final List<Router> order = new ArrayList<>();
    private final ScheduledThreadPoolExecutor delays = new ScheduledThreadPoolExecutor(2, r -> daemon(r, "fleet-delay"));
    private final Selector selector;
    private final Thread receiver;
    private final ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "fleet-retransmit"));
    private volatile boolean closed;
    private volatile long startNanos;
    final LongAdder sentDatagrams = new LongAdder();
    final LongAdder lostDatagrams = new LongAdder();
    final LongAdder refusals = new LongAdder();
    final LongAdder conflictingGrants = new LongAdder();
    final LongAdder naks = new LongAdder();
    final LongAdder strays = new LongAdder();

    /**
     * @param routers   how many routers, ids {@code prefix0..}
     * @param prefix    device id prefix
     * @param token     the enrolment token every router is configured with
     * @param servers   the servers each router asks
     * @param loss      each way, 0..1
     * @param sources   how many loopback source addresses the routers' links share (127.0.1.1 ...)
     */
    RouterFleet(int routers, String prefix, EnrolmentToken token, List<InetSocketAddress> servers, double loss,
                int sources) throws IOException {
        this.servers = List.copyOf(servers);
        this.loss = loss;
        this.token = Objects.requireNonNull(token, "token");
        this.selector = Selector.open();
        for (int i = 0; i < sources; i++) {
            DatagramChannel ch = DatagramChannel.open();
            ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
            ch.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 1 << 20);
            ch.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, (byte) (1 + i / 250),
                    (byte) (1 + i % 250)}), 0));
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);
            channels.add(ch);
        }
        for (int i = 0; i < routers; i++) {
            Router r = new Router(DeviceId.of(prefix + i));
            this.routers.put(r.device, r);
            order.add(r);
        }
        delays.setRemoveOnCancelPolicy(true);
        receiver = daemon(this::receive, "fleet-rx");
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Every router signs its ENROL, as each does on its own CPU when it boots (not part of the
     * measured time: here one JVM signs for all of them).
     */
    void prepare() {
        for (Router r : order) {
            synchronized (r) {
                newEnrol(r);
            }
        }
    }

    /** A new ENROL attempt: a new transaction, signed afresh; call holding the router. */
    private void newEnrol(Router r) {
        r.transactionId = Transactions.newId();
        r.datagram = EnrolCodec.encodeRequest(r.device, r.transactionId, r.sequence.next(), r.keys, token);
        try {
            r.sent = EnrolCodec.decodeRequest(r.datagram).request();
        } catch (ProtocolException e) {
            throw new IllegalStateException("cannot read back our own ENROL", e);
        }
    }

    /** The router's ESTABLISH or CONFIRM as a new attempt; call holding the router. */
    private void newRequest(Router r) {
        r.transactionId = Transactions.newId();
        Message body = r.phase == Phase.ESTABLISHING
                ? new Establish(TunnelType.VXLAN, r.pool, List.of(new LinkAddress("5g", "5g",
                        new InetSocketAddress("127.0.0.1", 1))), Optional.empty())
                : new Confirm(r.pool, r.address, r.leaseSequence);
        r.datagram = Codec.encode(new Envelope(Direction.TO_SERVER, r.device, r.transactionId, r.sequence.next(), body,
                Codec.MAX_VERSION - 1), r.deviceKey);
    }

    /** Starts an attempt of the router's current phase: first copies now; call holding the router. */
    private void startAttempt(Router r) {
        r.attempts++;
        r.attemptStartNanos = System.nanoTime();
        r.rtoNanos = FIRST_RTO_NANOS;
        sendAll(r);
    }

    /** Every router starts enrolling now ({@link #prepare()} first). */
    void start() {
        startNanos = System.nanoTime();
        receiver.start();
        for (Router r : order) {
            synchronized (r) {
                if (r.datagram == null) {
                    throw new IllegalStateException("prepare() first");
                }
                startAttempt(r);
            }
        }
        // the retransmission timers, checked every 20 ms
        ticker.scheduleWithFixedDelay(this::tick, 20, 20, TimeUnit.MILLISECONDS);
    }

    List<Router> routers() {
        return order;
    }

    long startNanos() {
        return startNanos;
    }

    /** Routers enrolled (a credential granted) and established (ACK of the CONFIRM) so far. */
    int[] progress() {
        int enrolled = 0;
        int established = 0;
        for (Router r : order) {
            synchronized (r) {
                if (r.deviceKey != null) {
                    enrolled++;
                }
                if (r.phase == Phase.DONE) {
                    established++;
                }
            }
        }
        return new int[] {enrolled, established};
    }

    /** Sends the router's current datagram over each of its links to every server; call holding the router. */
    private void sendAll(Router r) {
        int base = Math.floorMod(r.device.hashCode(), channels.size());
        for (int link = 0; link < ONE_WAY_MS.length; link++) {
            DatagramChannel ch = channels.get((base + link * 7919) % channels.size());
            for (InetSocketAddress s : servers) {
                send(ch, r.datagram, s, ONE_WAY_MS[link]);
            }
        }
        r.nextSendNanos = System.nanoTime() + r.rtoNanos;
        r.rtoNanos = Math.min(MAX_RTO_NANOS, r.rtoNanos * 2);
    }

    private void send(DatagramChannel ch, byte[] datagram, InetSocketAddress to, int oneWayMs) {
        sentDatagrams.increment();
        if (ThreadLocalRandom.current().nextDouble() < loss) {
            lostDatagrams.increment();
            return;
        }
        delays.schedule(() -> {
            try {
                ch.send(ByteBuffer.wrap(datagram), to);
            } catch (ClosedChannelException e) {
                // closing
            } catch (IOException e) {
                strays.increment();
            }
        }, oneWayMs, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        long now = System.nanoTime();
        for (Router r : order) {
            synchronized (r) {
                if (r.phase == Phase.DONE || now < r.nextSendNanos) {
                    continue;
                }
                if (now - r.attemptStartNanos >= ATTEMPT_NANOS) {
                    if (r.phase == Phase.ENROLLING) {
                        newEnrol(r);
                    } else {
                        newRequest(r);
                    }
                    startAttempt(r);
                } else {
                    sendAll(r);
                }
            }
        }
    }

    private void receive() {
        SelectedDatagrams.loop(selector, datagram -> {
            if (ThreadLocalRandom.current().nextDouble() < loss) {
                lostDatagrams.increment();
                return;
            }
            // the way back takes the link's one-way time too; which link is not known from the
            // socket, so the fastest link's is used (answers are not delayed more than the real
            // ones would be)
            delays.schedule(() -> handle(datagram), ONE_WAY_MS[0], TimeUnit.MILLISECONDS);
        }, () -> closed, strays::increment);
    }

    private void handle(byte[] datagram) {
        Header header;
        try {
            header = Codec.peek(datagram);
        } catch (ProtocolException e) {
            strays.increment();
            return;
        }
        Router r = routers.get(header.device());
        if (r == null) {
            strays.increment();
            return;
        }
        synchronized (r) {
            if (header.transactionId() != r.transactionId) {
                strays.increment();
                return;
            }
            if (header.type() == MessageType.ENROL_REPLY) {
                enrolReply(r, datagram);
            } else {
                answer(r, datagram);
            }
        }
    }

    /** Holding the router. */
    private void enrolReply(Router r, byte[] datagram) {
        EnrolReply reply;
        try {
            reply = EnrolCodec.decodeReply(datagram, r.sent, r.keys, token.replyKey());
        } catch (ProtocolException e) {
            strays.increment();
            return;
        }
        switch (reply.status()) {
            case GRANTED -> {
                if (r.deviceKey != null) {
                    if (!Arrays.equals(r.deviceKey, reply.deviceKey())) {
                        conflictingGrants.increment();
                    }
                    return;
                }
                r.deviceKey = reply.deviceKey();
                r.pool = reply.pool();
                r.enrolledNanos = System.nanoTime();
                r.phase = Phase.ESTABLISHING;
                newRequest(r);
                startAttempt(r);
            }
            case REFUSED -> {
                refusals.increment();
                r.refusal = "refused";
            }
            case TRY_LATER -> {
                // retransmission continues on the timer
            }
            default -> strays.increment();
        }
    }

    /** Holding the router. */
    private void answer(Router r, byte[] datagram) {
        if (r.deviceKey == null) {
            strays.increment();
            return;
        }
        Envelope e;
        try {
            e = Codec.decode(datagram, r.deviceKey);
        } catch (ProtocolException ex) {
            strays.increment();
            return;
        }
        Message body = e.body();
        if (r.phase == Phase.ESTABLISHING && body instanceof Params p) {
            r.address = p.parameters().innerAddress();
            r.leaseSequence = p.leaseSequence();
            r.pool = p.pool();
            r.phase = Phase.CONFIRMING;
            newRequest(r);
            startAttempt(r);
        } else if (r.phase == Phase.CONFIRMING && body instanceof Ack) {
            r.phase = Phase.DONE;
            r.establishedNanos = System.nanoTime();
        } else if (body instanceof Nak) {
            naks.increment();   // transient refusals (busy, store) are retried on the timer
        } else {
            strays.increment();
        }
    }

    @Override
    public void close() {
        closed = true;
        delays.shutdownNow();
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
        receiver.interrupt();
        ticker.shutdownNow();
    }
}
