package net.dtm.agent;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.OuterPath;
import net.dtm.api.TunnelAgentService;
import net.dtm.api.TunnelEvent;
import net.dtm.api.TunnelListener;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelStatus;
import net.dtm.api.TunnelStatus.State;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Confirm;
import net.dtm.protocol.Direction;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Establish;
import net.dtm.protocol.LinkAddress;
import net.dtm.protocol.Message;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Params;
import net.dtm.protocol.PathUpdate;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.Release;
import net.dtm.protocol.Renew;
import net.dtm.protocol.SequenceSource;
import net.dtm.protocol.Transactions;
import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkState;
import net.dtm.transport.MultiLinkTransport;
import net.dtm.transport.Reply;
import net.dtm.transport.ReplyMatcher;

/**
 * The device side ("fastest service first"): asks every known server over every link at once,
 * takes the first valid PARAMS, confirms to that server, renews at half the lease time, and starts
 * over when the lease is lost. Every state change runs on the given scheduler; a new establishment
 * cycle bumps an epoch so that answers and timers of an older cycle are ignored.
 */
public final class TunnelAgent implements TunnelAgentService, AutoCloseable {

    /** Shortest time between two moves of the tunnel for a better (not a dead) link. */
    static final Duration VOLUNTARY_MOVE_INTERVAL = Duration.ofSeconds(10);

    /** The operator-facing logger; the establishment line is part of the product's contract. */
    private static final Logger LOG = LoggerFactory.getLogger("net.dtm.agent");

    private final AgentSettings settings;
    private final byte[] key;
    private final MultiLinkTransport transport;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final SequenceSource sequence = new SequenceSource();
    private final List<Consumer<TunnelStatus>> listeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<TunnelListener> tunnelListeners = new CopyOnWriteArrayList<>();
    private final PathSelector selector = new PathSelector();
    private final Runnable linksChanged = this::linksChanged;
    private volatile String wireGuardPublicKey = "";
    private volatile int wireVersion = Codec.MAX_VERSION;

    // Guarded by this.
    private int epoch;
    private boolean started;
    private boolean closed;
    private State state = State.IDLE;
    private Params params;
    private InetSocketAddress server;
    private Instant establishedAt;
    private double lastEstablishMs;
    private Instant expiresAt;
    private boolean confirmed;
    private List<InetSocketAddress> servers;
    private Duration retryDelay;
    private EstablishFailure lastFailure;
    private long establishments;
    private ScheduledFuture<?> timer;
    private CompletableFuture<?> inFlight;
    /** The link carrying the tunnel's outer packets. */
    private Optional<OuterPath> path = Optional.empty();
    /** The data-plane parameters of the tunnel in use: from the ESTABLISH's PARAMS, kept across renewals by other nodes. */
    private TunnelParameters tunnel;
    private ScheduledFuture<?> pathTimer;
    /** The path the current cycle's ESTABLISH named: the tunnel server's view until a PATH says otherwise. */
    private Optional<OuterPath> announcedPath = Optional.empty();
    /** Whether the hint about servers without wire version 2 was logged. */
    private volatile boolean silenceHinted;
    /** When the tunnel last moved to another link. */
    private Instant lastMove = Instant.MIN;

    /**
     * @param settings  who the device is and where the servers are
     * @param transport the multi-link transport (its links are managed by the caller)
     * @param scheduler runs the agent's state changes and timers
     * @param clock     wall clock for lease times
     */
    public TunnelAgent(AgentSettings settings, MultiLinkTransport transport, ScheduledExecutorService scheduler, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.key = settings.key();
        this.transport = Objects.requireNonNull(transport, "transport");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.servers = settings.servers();
        this.retryDelay = settings.retryMin();
    }

    /** Starts establishing. Idempotent. */
    public void start() {
        int e;
        synchronized (this) {
            if (started || closed) {
                return;
            }
            started = true;
            e = ++epoch;
        }
        LOG.info("tunnel agent started: device={} servers={} links={}", settings.device(), servers(), linkIds());
        transport.addChangeListener(linksChanged);
        synchronized (this) {
            try {
                // measured round trips and losses change without a link event: look again every second
                pathTimer = scheduler.scheduleWithFixedDelay(this::reviewPath, 1, 1, TimeUnit.SECONDS);
            } catch (RejectedExecutionException ex) {
                LOG.debug("agent scheduler stopped: device={}", settings.device());
            }
        }
        run(() -> establish(e));
    }

    /**
     * Speaks wire version {@code version} (1 or 2; 2 by default). Version 1 carries no data-plane
     * fields: for a server that predates them. Call before {@link #start()}.
     */
    public void setWireVersion(int version) {
        if (version < Codec.VERSION || version > Codec.MAX_VERSION) {
            throw new IllegalArgumentException("wire version " + version + " outside " + Codec.VERSION + ".." + Codec.MAX_VERSION);
        }
        this.wireVersion = version;
    }

    /** This device's WireGuard public key (base64), sent in ESTABLISH; empty for none. Call before {@link #start()}. */
    public void setWireGuardPublicKey(String publicKey) {
        this.wireGuardPublicKey = Objects.requireNonNull(publicKey, "publicKey");
    }

    /**
     * Sends every tunnel event to {@code listener} from now on, on the agent's thread, in order. A
     * listener added while a tunnel is up first gets an ESTABLISHED event for it, so a configuration
     * module installed or restarted later still builds the tunnel.
     */
    public void addTunnelListener(TunnelListener listener) {
        Objects.requireNonNull(listener, "listener");
        // Registered at once (a remove right after always wins); the replay of the tunnel in place
        // goes through the agent's thread and only to a listener still registered then.
        if (tunnelListeners.addIfAbsent(listener)) {
            run(() -> {
                TunnelEvent replay;
                synchronized (this) {
                    replay = tunnel == null || closed ? null : event(TunnelEvent.Type.ESTABLISHED, tunnel, null);
                }
                if (replay != null && tunnelListeners.contains(listener)) {
                    deliver(listener, replay);
                }
            });
        }
    }

    /** Stops sending tunnel events to {@code listener}. */
    public void removeTunnelListener(TunnelListener listener) {
        tunnelListeners.remove(listener);
    }

    /** The link carrying the tunnel, if one is usable. */
    public synchronized Optional<OuterPath> path() {
        return path;
    }

    /** Calls {@code listener} with every status change (on the agent's scheduler thread). */
    public void addListener(Consumer<TunnelStatus> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Stops calling {@code listener}. */
    public void removeListener(Consumer<TunnelStatus> listener) {
        listeners.remove(listener);
    }

    @Override
    public synchronized TunnelStatus status() {
        return new TunnelStatus(settings.device(), state,
                params == null ? Optional.empty() : Optional.of(params.parameters()),
                server == null ? Optional.empty() : Optional.of(hostPort(server)),
                Optional.ofNullable(establishedAt), lastEstablishMs, Optional.ofNullable(expiresAt));
    }

    /** The servers currently asked (the configured list until a server pushes its own). */
    public synchronized List<InetSocketAddress> servers() {
        return servers;
    }

    /** Why the last attempt failed, if it did. */
    public synchronized Optional<EstablishFailure> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** True once the chosen server acknowledged the CONFIRM of the current tunnel. */
    public synchronized boolean confirmed() {
        return confirmed;
    }

    /** How many times a tunnel was established since start. */
    public synchronized long establishments() {
        return establishments;
    }

    @Override
    public void reestablish() {
        int e;
        Params old;
        InetSocketAddress oldServer;
        synchronized (this) {
            if (closed) {
                return;
            }
            started = true;
            e = newCycle();
            old = params;
            oldServer = server;
        }
        LOG.info("tunnel re-establishment requested: device={}", settings.device());
        TunnelEvent released;
        synchronized (this) {
            released = tunnel == null ? null : event(TunnelEvent.Type.RELEASED, null, tunnel);
            tunnel = null;
        }
        if (released != null) {
            run(() -> publish(released));
        }
        if (old == null || oldServer == null) {
            run(() -> establish(e));
            return;
        }
        // Release first and wait for its answer: a RELEASE overtaking the new ESTABLISH would free
        // the very lease the new establishment gets (leases are sticky per device).
        run(() -> {
            long tx = Transactions.newId();
            Release body = new Release(old.pool(), old.parameters().innerAddress(), old.leaseSequence());
            CompletableFuture<Reply<Message>> f = request(tx, List.of(oldServer), body, acceptAckOrNak(tx),
                    settings.confirmTimeout());
            track(e, f);
            f.whenCompleteAsync((r, err) -> {
                if (err == null && r.value() instanceof Nak nak) {
                    LOG.warn("tunnel release refused: device={} server={} reason={} text={}", settings.device(),
                            hostPort(oldServer), nak.reason().label(), nak.text());
                } else if (err != null && !(unwrap(err) instanceof java.util.concurrent.CancellationException)) {
                    LOG.warn("tunnel release unanswered: device={} server={} error={}", settings.device(),
                            hostPort(oldServer), unwrap(err).getMessage());
                }
                establish(e);
            }, scheduler);
        });
    }

    @Override
    public void rehome() {
        int e;
        synchronized (this) {
            if (closed || !started) {
                return;
            }
            e = newCycle();
        }
        LOG.info("tunnel re-homing: device={} leaving server {}", settings.device(),
                tunnel == null ? "none" : tunnel.serverNodeId());
        run(() -> establish(e));
    }

    /** Stops all activity. The lease is not released: a restarted agent gets the same address back. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            newCycle();
            state = State.IDLE;
            if (pathTimer != null) {
                pathTimer.cancel(false);
            }
        }
        transport.removeChangeListener(linksChanged);
        LOG.info("tunnel agent stopped: device={}", settings.device());
        publish();
    }

    // ---- establishment ----------------------------------------------------------------------

    private void establish(int e) {
        long tx = Transactions.newId();
        List<InetSocketAddress> targets;
        Establish body;
        synchronized (this) {
            if (stale(e)) {
                return;
            }
            state = State.ESTABLISHING;
            targets = servers;
            path = selector.choose(candidates(), path);
            announcedPath = path;
            Optional<InetAddress> last = params == null ? Optional.empty() : Optional.of(params.parameters().innerAddress());
            body = wireVersion >= 2
                    ? new Establish(settings.tunnelType(), settings.pool(), linkAddresses(), last, wireGuardPublicKey, path)
                    : new Establish(settings.tunnelType(), settings.pool(), linkAddresses(), last);
        }
        publish();
        NakCollector naks = new NakCollector(targets);
        CompletableFuture<Reply<Message>> f = requestParams(e, tx, targets, body, naks, nak -> false);
        f.whenCompleteAsync((r, err) -> {
            if (err == null && r.value() instanceof Params p) {
                established(e, r, p);
            } else {
                Nak nak = err == null ? (Nak) r.value() : naks.any();
                failed(e, "establishment", nak, err);
            }
        }, scheduler);
    }

    private void established(int e, Reply<Message> reply, Params p) {
        double ms = reply.elapsedNanos() / 1_000_000.0;
        TunnelEvent event;
        synchronized (this) {
            if (stale(e)) {
                return;
            }
            event = event(TunnelEvent.Type.ESTABLISHED, p.parameters(), tunnel);
            tunnel = p.parameters();
            Instant now = clock.instant();
            lastMove = now; // the tunnel was just built on its link: no move for a better one at once
            state = State.ESTABLISHED;
            params = p;
            server = reply.server();
            establishedAt = now;
            lastEstablishMs = ms;
            expiresAt = now.plusSeconds(p.parameters().leaseSeconds());
            confirmed = false;
            retryDelay = settings.retryMin();
            lastFailure = null;
            establishments++;
            if (!p.servers().isEmpty()) {
                servers = p.servers();
            }
        }
        LOG.info(establishedLine(settings.device(), p.parameters().innerAddress(), reply.server(), ms));
        publish();
        publish(event);
        confirm(e);
        scheduleRenew(e, p.parameters().leaseSeconds());
    }

    /** The INFO line logged on every establishment; its shape is relied on by operators and benchmarks. */
    static String establishedLine(DeviceId device, InetAddress address, InetSocketAddress server, double ms) {
        return String.format(Locale.ROOT, "tunnel established: device=%s address=%s server=%s time=%.1f ms",
                device, address.getHostAddress(), hostPort(server), ms);
    }

    private void confirm(int e) {
        long tx = Transactions.newId();
        InetSocketAddress target;
        Confirm body;
        synchronized (this) {
            if (stale(e) || confirmed || params == null) {
                return;
            }
            target = server;
            body = new Confirm(params.pool(), params.parameters().innerAddress(), params.leaseSequence());
        }
        CompletableFuture<Reply<Message>> f = request(tx, List.of(target), body, acceptAckOrNak(tx),
                settings.confirmTimeout());
        f.whenCompleteAsync((r, err) -> {
            synchronized (this) {
                if (stale(e)) {
                    return;
                }
                if (err == null && r.value() instanceof Ack) {
                    confirmed = true;
                    LOG.debug("tunnel confirmed: device={} server={}", settings.device(), hostPort(target));
                    // the link changed while ESTABLISH was on its way: the server builds its end on
                    // the path ESTABLISH named, so tell it where the tunnel really is
                    if (path.isPresent() && !path.equals(announcedPath)) {
                        OuterPath now = path.get();
                        scheduler.execute(() -> sendPath(now));
                    }
                    return;
                }
            }
            if (err == null && r.value() instanceof Nak nak && nak.reason() == Reason.UNKNOWN_LEASE) {
                LOG.warn("tunnel confirm refused, establishing again: device={} server={} reason={} text={}",
                        settings.device(), hostPort(target), nak.reason().label(), nak.text());
                int next;
                synchronized (this) {
                    if (stale(e)) {
                        return;
                    }
                    next = newCycle();
                }
                establish(next);
                return;
            }
            String why = err != null ? describe(err) : "nak " + ((Nak) r.value()).reason().label();
            LOG.warn("tunnel confirm failed, retrying: device={} server={} reason={}", settings.device(),
                    hostPort(target), why);
            schedule(e, () -> confirm(e), currentRetryDelay());
        }, scheduler);
    }

    // ---- renewal ----------------------------------------------------------------------------

    private void scheduleRenew(int e, int leaseSeconds) {
        schedule(e, () -> renew(e), Duration.ofMillis(Math.max(1, leaseSeconds * 500L)));
    }

    private void renew(int e) {
        long tx = Transactions.newId();
        List<InetSocketAddress> targets;
        Renew body;
        synchronized (this) {
            if (stale(e) || params == null) {
                return;
            }
            state = State.RENEWING;
            targets = servers;
            body = wireVersion >= 2
                    ? new Renew(params.pool(), params.parameters().innerAddress(), params.leaseSequence(),
                            tunnel == null ? "" : tunnel.serverNodeId(), path)
                    : new Renew(params.pool(), params.parameters().innerAddress(), params.leaseSequence());
        }
        publish();
        NakCollector naks = new NakCollector(targets);
        // The lease is gone: no point waiting for other servers to say so too.
        CompletableFuture<Reply<Message>> f = requestParams(e, tx, targets, body, naks,
                nak -> nak.reason() == Reason.UNKNOWN_LEASE);
        f.whenCompleteAsync((r, err) -> {
            if (err == null && r.value() instanceof Params p) {
                renewed(e, r, p);
                return;
            }
            Nak nak = err == null ? (Nak) r.value() : naks.any();
            if (nak != null && nak.reason() == Reason.UNKNOWN_LEASE) {
                LOG.warn("tunnel lease lost, establishing again: device={} reason={} text={}", settings.device(),
                        nak.reason().label(), nak.text());
                restart(e);
                return;
            }
            boolean expired;
            synchronized (this) {
                if (stale(e)) {
                    return;
                }
                expired = expiresAt == null || !clock.instant().plus(currentRetryDelay()).isBefore(expiresAt);
            }
            if (expired) {
                LOG.warn("tunnel lease expired without renewal, establishing again: device={} reason={}",
                        settings.device(), nak != null ? "nak " + nak.reason().label() : describe(err));
                restart(e);
            } else {
                recordFailure(nak, err, "renewal");
                LOG.warn("tunnel renewal failed, retrying: device={} reason={}", settings.device(),
                        nak != null ? "nak " + nak.reason().label() + " " + nak.text() : describe(err));
                schedule(e, () -> renew(e), nextRetryDelay());
            }
        }, scheduler);
    }

    private void renewed(int e, Reply<Message> reply, Params p) {
        TunnelEvent changed = null;
        synchronized (this) {
            if (stale(e)) {
                return;
            }
            // The lease is the cluster's; the tunnel is its server's. A renewal answered by another
            // node renews the lease and leaves the tunnel where it is.
            if (tunnel != null && tunnel.serverNodeId().equals(p.parameters().serverNodeId())
                    && !tunnel.withLeaseSeconds(1).equals(p.parameters().withLeaseSeconds(1))) {
                changed = event(TunnelEvent.Type.PARAMETERS_CHANGED, p.parameters(), tunnel);
                tunnel = p.parameters();
            }
            state = State.ESTABLISHED;
            params = p;
            expiresAt = clock.instant().plusSeconds(p.parameters().leaseSeconds());
            retryDelay = settings.retryMin();
            if (!p.servers().isEmpty()) {
                servers = p.servers();
            }
        }
        LOG.info("tunnel renewed: device={} address={} server={} lease={} s", settings.device(),
                p.parameters().innerAddress().getHostAddress(), hostPort(reply.server()), p.parameters().leaseSeconds());
        publish();
        if (changed != null) {
            LOG.info("tunnel parameters changed: device={} address={} server={}", settings.device(),
                    p.parameters().innerAddress().getHostAddress(), hostPort(reply.server()));
            publish(changed);
        }
        scheduleRenew(e, p.parameters().leaseSeconds());
    }

    private void restart(int e) {
        int next;
        TunnelEvent lost;
        synchronized (this) {
            if (stale(e)) {
                return;
            }
            next = newCycle();
            state = State.ESTABLISHING;
            lost = tunnel == null ? null : event(TunnelEvent.Type.LOST, null, tunnel);
            tunnel = null;
        }
        if (lost != null) {
            publish(lost);
        }
        establish(next);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private void failed(int e, String what, Nak nak, Throwable err) {
        Duration delay;
        synchronized (this) {
            if (stale(e)) {
                return;
            }
            recordFailure(nak, err, what);
            delay = nextRetryDelay();
        }
        LOG.warn("tunnel {} failed: device={} reason={} retry in {} ms", what, settings.device(),
                nak != null ? "nak " + nak.reason().label() + " " + nak.text() : describe(err), delay.toMillis());
        // A server older than wire version 2 drops v2 datagrams without a word: say what to try, once.
        if (nak == null && wireVersion >= 2 && establishments == 0 && !silenceHinted) {
            silenceHinted = true;
            LOG.warn("no server answered device={}: if the servers run a DTM release without wire version 2 (the data"
                    + " plane), set wire.version = 1 in etc/net.dtm.agent.cfg; otherwise check the key and the links",
                    settings.device());
        }
        schedule(e, () -> establish(e), delay);
    }

    private synchronized void recordFailure(Nak nak, Throwable err, String what) {
        lastFailure = new EstablishFailure(clock.instant(), nak == null ? Optional.empty() : Optional.of(nak.reason()),
                what + " failed: " + (nak != null ? nak.reason().label() + ": " + nak.text() : describe(err)));
    }

    private synchronized Duration currentRetryDelay() {
        return retryDelay;
    }

    private synchronized Duration nextRetryDelay() {
        Duration d = retryDelay;
        Duration doubled = retryDelay.multipliedBy(2);
        retryDelay = doubled.compareTo(settings.retryMax()) > 0 ? settings.retryMax() : doubled;
        return d;
    }

    /** Starts a new cycle: cancels the old one's timer and request. Caller holds the lock. */
    private int newCycle() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (inFlight != null) {
            inFlight.cancel(false);
            inFlight = null;
        }
        confirmed = false;
        return ++epoch;
    }

    private boolean stale(int e) {
        return closed || e != epoch;
    }

    private synchronized void track(int e, CompletableFuture<?> f) {
        if (stale(e)) {
            f.cancel(false);
        } else {
            inFlight = f;
        }
    }

    private void schedule(int e, Runnable task, Duration delay) {
        synchronized (this) {
            if (stale(e)) {
                return;
            }
            try {
                timer = scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException ex) {
                LOG.debug("agent scheduler stopped: device={}", settings.device());
            }
        }
    }

    private void run(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException ex) {
            LOG.debug("agent scheduler stopped: device={}", settings.device());
        }
    }

    private CompletableFuture<Reply<Message>> request(long tx, List<InetSocketAddress> targets, Message body,
                                                      ReplyMatcher<Message> matcher, Duration timeout) {
        try {
            Envelope env = new Envelope(Direction.TO_SERVER, settings.device(), tx, sequence.next(), body, wireVersion);
            return transport.request(tx, targets, Codec.encode(env, key), matcher, timeout);
        } catch (RuntimeException ex) {
            // a message that cannot be encoded fails this request (and is retried like any failure),
            // never the agent's timers
            LOG.error("cannot send {}: device={} error={}", body.type(), settings.device(), ex.getMessage());
            return CompletableFuture.failedFuture(ex);
        }
    }

    /**
     * Asks every target (FSF) as part of cycle {@code e}: completes with the first PARAMS, or with a
     * NAK once every target refused ({@code naks}) or at once for a {@code decisive} refusal.
     */
    private CompletableFuture<Reply<Message>> requestParams(int e, long tx, List<InetSocketAddress> targets,
                                                            Message body, NakCollector naks, Predicate<Nak> decisive) {
        ReplyMatcher<Message> matcher = (d, from) -> {
            Message m = decodeAnswer(d, tx);
            if (m instanceof Params) {
                return m;
            }
            if (m instanceof Nak nak) {
                return decisive.test(nak) || naks.record(from, nak) ? nak : null;
            }
            return null;
        };
        CompletableFuture<Reply<Message>> f = request(tx, targets, body, matcher, settings.attemptTimeout());
        track(e, f);
        return f;
    }

    private ReplyMatcher<Message> acceptAckOrNak(long tx) {
        return (d, from) -> {
            Message m = decodeAnswer(d, tx);
            return m instanceof Ack || m instanceof Nak ? m : null;
        };
    }

    /** The body of an authentic answer to transaction {@code tx} for this device, or null. */
    private Message decodeAnswer(byte[] datagram, long tx) {
        Envelope env;
        try {
            env = Codec.decode(datagram, key);
        } catch (ProtocolException ex) {
            LOG.debug("agent dropped answer: device={} kind={} error={}", settings.device(), ex.kind(), ex.getMessage());
            return null;
        }
        if (env.direction() != Direction.TO_DEVICE || !env.device().equals(settings.device())
                || env.transactionId() != tx) {
            return null;
        }
        return env.body();
    }

    // ---- the outer path ---------------------------------------------------------------------

    private void linksChanged() {
        run(this::reviewPath);
    }

    /** Moves the tunnel to the best usable link when that changed, and tells the tunnel's server. */
    private void reviewPath() {
        OuterPath moved;
        TunnelEvent event;
        synchronized (this) {
            if (closed) {
                return;
            }
            // Moves for a better link (not off a dead one) at most every VOLUNTARY_MOVE_INTERVAL after
            // the last move of any kind: each move rebuilds the tunnel, and a link that just came back
            // must not pull the tunnel over at once.
            Instant now = clock.instant();
            boolean voluntary = !now.isBefore(lastMove.plus(VOLUNTARY_MOVE_INTERVAL));
            List<PathSelector.Candidate> links = candidates();
            Optional<OuterPath> next = selector.choose(links, path, voluntary);
            if (next.equals(path)) {
                return;
            }
            Optional<OuterPath> before = path;
            path = next;
            if (next.isPresent() && before.isPresent() && !next.get().linkId().equals(before.get().linkId())) {
                lastMove = now;
            }
            if (tunnel == null || next.isEmpty()) {
                LOG.info("tunnel path: device={} link={} (was {})", settings.device(),
                        next.map(OuterPath::linkId).orElse("none usable"), before.map(OuterPath::linkId).orElse("none"));
                return;
            }
            moved = next.get();
            event = event(TunnelEvent.Type.PATH_MOVED, tunnel, tunnel);
            LOG.info("tunnel path moved: device={} link={} outer={} (was {})", settings.device(), moved.linkId(),
                    hostPort(moved.localAddress()), before.map(OuterPath::linkId).orElse("none"));
        }
        publish(event);
        sendPath(moved);
    }

    /**
     * Tells the tunnel's server that the tunnel now rides {@code moved}, until it acknowledges, the
     * path moves again, or the cycle ends. A refusal (another node took the device, the lease is
     * gone) is left to renewal and re-establishment.
     */
    private void sendPath(OuterPath moved) {
        Params held;
        InetSocketAddress to;
        int e;
        synchronized (this) {
            if (wireVersion < 2 || params == null || server == null || stale(epoch) || !path.equals(Optional.of(moved))) {
                return;
            }
            held = params;
            to = server;
            e = epoch;
        }
        long tx = Transactions.newId();
        PathUpdate body = new PathUpdate(held.pool(), held.parameters().innerAddress(), held.leaseSequence(), moved);
        CompletableFuture<Reply<Message>> f = request(tx, List.of(to), body, acceptAckOrNak(tx), settings.confirmTimeout());
        f.whenCompleteAsync((r, err) -> {
            if (err == null && r.value() instanceof Ack) {
                LOG.debug("tunnel path acknowledged: device={} server={} link={}", settings.device(), hostPort(to), moved.linkId());
                return;
            }
            if (stale(e)) {
                return;
            }
            if (err == null && r.value() instanceof Nak nak) {
                LOG.warn("tunnel path refused: device={} server={} link={} reason={} text={}", settings.device(),
                        hostPort(to), moved.linkId(), nak.reason().label(), nak.text());
                return;
            }
            LOG.warn("tunnel path not acknowledged, sending again: device={} server={} link={} reason={}",
                    settings.device(), hostPort(to), moved.linkId(), describe(err));
            schedulePathRetry(e, moved);
        }, scheduler);
    }

    private void schedulePathRetry(int e, OuterPath moved) {
        try {
            scheduler.schedule(() -> {
                if (!stale(e)) {
                    sendPath(moved);
                }
            }, currentRetryDelay().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException ex) {
            LOG.debug("agent scheduler stopped: device={}", settings.device());
        }
    }

    /** A link id as the wire carries it: at most 32 characters. */
    static String wireLinkId(String id) {
        return id.length() > 32 ? id.substring(0, 32) : id;
    }

    /**
     * True if {@code a} can carry the tunnel: the same address family as the tunnel's server
     * endpoint (before a tunnel, as the first control endpoint).
     */
    private boolean sameFamilyAsServers(InetSocketAddress a) {
        InetSocketAddress far = tunnel != null ? tunnel.serverEndpoint() : servers.isEmpty() ? null : servers.get(0);
        if (far == null || far.getAddress() == null || a.getAddress() == null) {
            return true;
        }
        return (far.getAddress() instanceof java.net.Inet4Address) == (a.getAddress() instanceof java.net.Inet4Address);
    }

    private List<PathSelector.Candidate> candidates() {
        Map<String, net.dtm.transport.LinkStats> stats = new HashMap<>();
        for (net.dtm.transport.LinkStats s : transport.stats()) {
            stats.put(s.id(), s);
        }
        List<PathSelector.Candidate> out = new ArrayList<>();
        for (LinkDriver l : transport.links()) {
            net.dtm.transport.LinkStats s = stats.get(l.id());
            Optional<InetSocketAddress> a;
            try {
                a = l.localAddress();
            } catch (RuntimeException ex) {
                a = Optional.empty();
            }
            out.add(new PathSelector.Candidate(wireLinkId(l.id()), l.state(), transport.isEnabled(l.id()),
                    l.metered(), a.filter(this::sameFamilyAsServers), s == null ? Duration.ZERO : s.srtt(),
                    s == null ? 0 : s.lossEstimate()));
        }
        return out;
    }

    // ---- tunnel events ------------------------------------------------------------------------

    /** An event of this device now; caller holds the lock. */
    private TunnelEvent event(TunnelEvent.Type type, TunnelParameters now, TunnelParameters before) {
        return new TunnelEvent(type, settings.device(), Optional.ofNullable(now), Optional.ofNullable(before), path,
                clock.instant());
    }

    private void publish(TunnelEvent event) {
        for (TunnelListener l : tunnelListeners) {
            deliver(l, event);
        }
    }

    private void deliver(TunnelListener l, TunnelEvent event) {
        try {
            l.tunnelChanged(event);
        } catch (RuntimeException ex) {
            LOG.warn("tunnel listener {} failed on {}: device={} error={}", l.getClass().getName(), event.type(),
                    settings.device(), ex.toString());
        }
    }

    private List<LinkAddress> linkAddresses() {
        List<LinkAddress> out = new ArrayList<>();
        for (LinkDriver l : transport.links()) {
            if (out.size() == 8) {
                break;
            }
            if (l.state() == LinkState.DOWN) {
                continue;
            }
            Optional<InetSocketAddress> a = l.publicAddress().or(l::localAddress);
            if (a.isPresent()) {
                String id = wireLinkId(l.id());
                String kind = l.kind().label();
                out.add(new LinkAddress(id, kind.length() > 16 ? kind.substring(0, 16) : kind, a.get()));
            }
        }
        return out;
    }

    private List<String> linkIds() {
        List<String> ids = new ArrayList<>();
        for (LinkDriver l : transport.links()) {
            ids.add(l.id());
        }
        return ids;
    }

    private void publish() {
        TunnelStatus s = status();
        for (Consumer<TunnelStatus> l : listeners) {
            try {
                l.accept(s);
            } catch (RuntimeException ex) {
                LOG.warn("tunnel status listener failed: device={} error={}", settings.device(), ex.toString());
            }
        }
    }

    static String hostPort(InetSocketAddress a) {
        String host = a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown";
        }
        Throwable c = unwrap(t);
        return c instanceof TimeoutException ? "timeout: " + c.getMessage() : c.toString();
    }

    /** Collects refusals; true once every server asked has refused. Thread-safe. */
    private static final class NakCollector {
        private final List<InetSocketAddress> asked;
        private final Map<InetSocketAddress, Nak> naks = new HashMap<>();

        NakCollector(List<InetSocketAddress> asked) {
            this.asked = asked;
        }

        synchronized boolean record(InetSocketAddress from, Nak nak) {
            naks.put(from, nak);
            return naks.keySet().containsAll(asked);
        }

        synchronized Nak any() {
            return naks.isEmpty() ? null : naks.values().iterator().next();
        }
    }
}
