package net.dtm.testkit.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import net.dtm.agent.AgentSettings;
import net.dtm.agent.EstablishFailure;
import net.dtm.agent.TunnelAgent;
import net.dtm.api.DeviceId;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelStatus;
import net.dtm.api.TunnelStatus.State;
import net.dtm.testkit.ForwardingLink;
import net.dtm.testkit.cluster.History.Kind;
import net.dtm.link.emulated.EmulatedLink;
import net.dtm.link.emulated.EmulatedLinkSettings;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Direction;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Params;
import net.dtm.protocol.ProtocolException;
import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkKind;
import net.dtm.transport.MultiLinkTransport;
import net.dtm.transport.TransportSettings;

/**
 * Many real agents in one JVM, as a cluster test drives them: each is a {@link TunnelAgent} with its
 * own {@link MultiLinkTransport} and one emulated link on loopback (no delay, no loss of its own),
 * all sharing one scheduler. Every agent's life is written to a {@link History}: started,
 * established (address, lease sequence, serving node, time from its first attempt), renewed,
 * renewal failed, tunnel lost, attempt failed.
 * <p>
 * How events are told apart: from the agent's status changes (ESTABLISHING after ESTABLISHING is a
 * failed attempt; RENEWING after RENEWING a failed renewal; ESTABLISHING after ESTABLISHED or
 * RENEWING a lost tunnel), and from the answers the agent's link receives, decoded with the
 * device's key (the lease sequence of PARAMS; the NAK that preceded a loss).
 */
public final class AgentFleet implements AutoCloseable {

    /**
     * How the agents talk.
     *
     * @param attempt      how long one establishment or renewal attempt keeps trying
     * @param confirm      how long a CONFIRM keeps trying
     * @param retryFirst   first pause after a failed attempt
     * @param retryLongest longest pause
     */
    public record Timing(Duration attempt, Duration confirm, Duration retryFirst, Duration retryLongest) {
        /** 3 s attempts and confirms, retries after 0.25 s doubling up to 2 s. */
        public static final Timing CHAOS = new Timing(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofMillis(250),
                Duration.ofSeconds(2));
    }

    private final History history;
    private final Timing timing;
    private final ScheduledExecutorService scheduler;
    private final List<Agent> agents = new CopyOnWriteArrayList<>();
    private final AtomicInteger threadNo = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** One agent of the fleet. */
    public final class Agent {
        private final DeviceId device;
        private final TunnelAgent agent;
        private final MultiLinkTransport transport;
        private final EmulatedLink link;
        private final Recorder recorder;

        private Agent(DeviceId device, byte[] key, List<InetSocketAddress> servers, String bindHost) throws IOException {
            this.device = device;
            EmulatedLink l = new EmulatedLink(new EmulatedLinkSettings("lo-" + device.value(), LinkKind.EMULATED, 0, 0, 0, 0,
                    bindHost), scheduler);
            MultiLinkTransport t = new MultiLinkTransport(TransportSettings.defaults(), scheduler);
            Observer observer = new Observer(l, key);
            t.addLink(observer);
            this.link = l;
            this.transport = t;
            this.agent = new TunnelAgent(AgentSettings.of(device, key, servers)
                    .withTimeouts(timing.attempt(), timing.confirm(), timing.retryFirst(), timing.retryLongest()),
                    t, scheduler, Clock.systemUTC());
            this.recorder = new Recorder(device.value(), agent, observer);
            agent.addListener(recorder);
        }

        public DeviceId device() {
            return device;
        }

        public TunnelStatus status() {
            return agent.status();
        }

        /** The servers it asks now (the list the cluster last pushed). */
        public List<InetSocketAddress> servers() {
            return agent.servers();
        }

        /** True while it holds parameters (established or renewing). */
        public boolean holding() {
            TunnelStatus s = agent.status();
            return (s.state() == State.ESTABLISHED || s.state() == State.RENEWING) && s.parameters().isPresent();
        }

        /** True once the serving node acknowledged its CONFIRM. */
        public boolean confirmed() {
            return agent.confirmed();
        }

        /** The node that answered last (establishment or renewal), or empty. */
        public Optional<String> node() {
            return agent.status().parameters().map(TunnelParameters::serverNodeId);
        }

        private void close() {
            agent.close();
            transport.close();
            link.close();
        }
    }

    /**
     * @param history where the events go
     * @param timing  the agents' timeouts
     * @param threads scheduler threads shared by every agent, transport and link
     */
    public AgentFleet(History history, Timing timing, int threads) {
        this.history = Objects.requireNonNull(history, "history");
        this.timing = Objects.requireNonNull(timing, "timing");
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "fleet-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        this.scheduler = s;
    }

    /**
     * Starts an agent for {@code device} asking {@code servers}; its STARTED event is recorded first.
     * Agents' links are bound to 127.0.0.2, 127.0.0.3, ... 127.0.0.251 in turn (Linux answers on all of
     * 127/8): a server limits the datagrams one source address may have in work, and hundreds of
     * devices behind one address are not what it protects against.
     */
    public Agent start(DeviceId device, byte[] key, List<InetSocketAddress> servers) throws IOException {
        int n = started.getAndIncrement();
        Agent a = new Agent(device, key, servers, "127.0.0." + (2 + n % 250));
        agents.add(a);
        a.recorder.started();
        a.agent.start();
        return a;
    }

    public List<Agent> agents() {
        return List.copyOf(agents);
    }

    /** How many agents hold parameters now. */
    public int holding() {
        int n = 0;
        for (Agent a : agents) {
            if (a.holding()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Waits until every agent started holds parameters and its CONFIRM is acknowledged.
     *
     * @return true if they did within {@code within}
     */
    public boolean awaitAllHolding(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            boolean all = true;
            for (Agent a : agents) {
                if (!a.holding() || !a.confirmed()) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(100); // polling with a deadline
        }
    }

    /** Stops every agent (leases are not released) and the shared scheduler. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Agent a : agents) {
            try {
                a.close();
            } catch (RuntimeException ignored) {
                // closing the rest matters more
            }
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Turns one agent's status changes into history events. */
    private final class Recorder implements Consumer<TunnelStatus> {
        private final String device;
        private final TunnelAgent agent;
        private final Observer observer;
        private State previous = State.IDLE;
        private double episodeStart;
        private int attempts;
        private long seen;
        private String held = "";
        private boolean confirmedRecorded;

        Recorder(String device, TunnelAgent agent, Observer observer) {
            this.device = device;
            this.agent = agent;
            this.observer = observer;
            observer.onConfirmAck = this::confirmAck;
        }

        /** An ACK of a CONFIRM arrived: the first one after an establishment is recorded. */
        synchronized void confirmAck(String from) {
            if (!confirmedRecorded && !held.isEmpty()) {
                confirmedRecorded = true;
                history.record(device, Kind.CONFIRMED, held, -1, "", 0, "from " + from);
            }
        }

        synchronized void started() {
            episodeStart = history.record(device, Kind.STARTED, "", -1, "", 0, "").at();
            attempts = 1;
        }

        @Override
        public synchronized void accept(TunnelStatus s) {
            State was = previous;
            previous = s.state();
            switch (s.state()) {
                case ESTABLISHING -> {
                    if (was == State.ESTABLISHING) {
                        attempts++;
                        history.record(device, Kind.FAILED, "", -1, "", 0, failure());
                    } else if (was == State.ESTABLISHED || was == State.RENEWING) {
                        Optional<String> nak = observer.lastNak();
                        double now = history.record(device, Kind.LOST, held, -1, "", 0,
                                nak.map(n -> "after nak " + n).orElse("no refusal heard: expired unrenewed")
                                        + (confirmedRecorded ? " (confirmed)" : " (never confirmed)")
                                        + "; last messages: " + observer.trail()).at();
                        held = "";
                        episodeStart = now;
                        attempts = 1;
                    }
                }
                case ESTABLISHED -> {
                    if (s.parameters().isEmpty()) {
                        return;
                    }
                    TunnelParameters p = s.parameters().get();
                    String address = p.innerAddress().getHostAddress();
                    long n = agent.establishments();
                    if (n > seen) {
                        seen = n;
                        double now = history.now();
                        history.add(new History.Event(now, device, Kind.ESTABLISHED, address, observer.sequence(address),
                                p.serverNodeId(), now - episodeStart, String.format(java.util.Locale.ROOT,
                                        "attempts=%d last_attempt_ms=%.1f", attempts, s.lastEstablishMs())));
                        held = address;
                        confirmedRecorded = false;
                        observer.clearNak();
                    } else if (was == State.RENEWING) {
                        history.record(device, Kind.RENEWED, address, observer.sequence(address), p.serverNodeId(), 0, "");
                        held = address;
                        observer.clearNak();
                    }
                }
                case RENEWING -> {
                    if (was == State.RENEWING) {
                        history.record(device, Kind.RENEWAL_FAILED, held, -1, "", 0, failure());
                    }
                }
                default -> {
                    // IDLE: stopped
                }
            }
        }

        private String failure() {
            return agent.lastFailure().map(EstablishFailure::message).orElse("unknown");
        }
    }

    /**
     * Passes everything through to the real link and reads the answers the agent receives with
     * the device's key: the lease sequence of the last PARAMS per address, the last NAK.
     */
    private static final class Observer extends ForwardingLink {
        private static final int TRAIL = 16;
        private final byte[] key;
        private final long origin = System.nanoTime();
        private final java.util.ArrayDeque<String> trail = new java.util.ArrayDeque<>();
        private volatile String lastAddress = "";
        private volatile long lastSequence = -1;
        private volatile String lastNak;
        private volatile Consumer<String> onConfirmAck = port -> { };

        Observer(LinkDriver delegate, byte[] key) {
            super(delegate);
            this.key = key.clone();
        }

        /** The last messages sent and received, oldest first, for the record of a loss. */
        String trail() {
            synchronized (trail) {
                return String.join(" | ", trail);
            }
        }

        private void note(String what) {
            synchronized (trail) {
                if (trail.size() == TRAIL) {
                    trail.removeFirst();
                }
                trail.addLast(String.format(java.util.Locale.ROOT, "%.1fs %s", (System.nanoTime() - origin) / 1e9, what));
            }
        }

        private static String describe(net.dtm.protocol.Message m) {
            if (m instanceof Params p) {
                return "PARAMS " + p.parameters().innerAddress().getHostAddress() + " seq=" + p.leaseSequence() + " by "
                        + p.parameters().serverNodeId();
            }
            if (m instanceof Nak n) {
                return "NAK " + n.reason().label();
            }
            if (m instanceof net.dtm.protocol.Ack a) {
                return "ACK " + a.acknowledged();
            }
            if (m instanceof net.dtm.protocol.Confirm c) {
                return "CONFIRM " + c.address().getHostAddress() + " seq=" + c.leaseSequence();
            }
            if (m instanceof net.dtm.protocol.Renew r) {
                return "RENEW " + r.address().getHostAddress() + " seq=" + r.leaseSequence();
            }
            return m.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT);
        }

        long sequence(String address) {
            return address.equals(lastAddress) ? lastSequence : -1;
        }

        Optional<String> lastNak() {
            return Optional.ofNullable(lastNak);
        }

        void clearNak() {
            lastNak = null;
        }

        @Override
        protected void sent(InetSocketAddress to, byte[] datagram) {
            try {
                Envelope e = Codec.decode(datagram, key);
                note("> " + describe(e.body()) + " to :" + to.getPort() + " tx=" + Long.toHexString(e.transactionId()));
            } catch (ProtocolException | RuntimeException ignored) {
                // the agent only sends what it encoded
            }
        }

        @Override
        protected void received(InetSocketAddress from, byte[] datagram) {
            try {
                Envelope e = Codec.decode(datagram, key);
                if (e.direction() != Direction.TO_DEVICE) {
                    return;
                }
                note("< " + describe(e.body()) + " from :" + from.getPort() + " tx=" + Long.toHexString(e.transactionId()));
                if (e.body() instanceof net.dtm.protocol.Ack a && a.acknowledged() == net.dtm.protocol.MessageType.CONFIRM) {
                    onConfirmAck.accept(":" + from.getPort());
                }
                if (e.body() instanceof Params p) {
                    lastAddress = p.parameters().innerAddress().getHostAddress();
                    lastSequence = p.leaseSequence();
                } else if (e.body() instanceof Nak n) {
                    lastNak = n.reason().label() + ": " + n.text();
                }
            } catch (ProtocolException | RuntimeException ignored) {
                // not for this device, or damaged: the agent drops it too
            }
        }
    }
}
