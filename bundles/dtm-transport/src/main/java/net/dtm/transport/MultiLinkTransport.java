package net.dtm.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.LinkInfo;
import net.dtm.protocol.Codec;
import net.dtm.protocol.ProtocolException;
import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkHandler;
import net.dtm.spi.link.LinkState;

/**
 * The multi-link transport ("multi-link fastest response, dedupe"): a request crosses every usable
 * link to every server at once, the first valid answer wins and later copies are dropped as
 * duplicates. Each link keeps its own RFC 6298 round-trip estimate and retransmits at its own RTO
 * with exponential backoff; each link also keeps a moving estimate of how many of its sends go
 * unanswered, and sends more copies per round only when that measured loss is high (one copy per
 * link per server on a clean link).
 *
 * <p>Links can be added and removed at any time; a link added while requests are pending joins
 * them at once, a removed link simply stops being used. The same holds for a link whose driver
 * reports it up again, or that an operator enables: it joins every pending request at once; a link
 * reported down or disabled is not used from that moment, and requests in flight continue on the
 * others. A link added with {@link LinkUsage#BACKUP} is used only while no unmetered primary link
 * is up with a loss estimate below {@value #BACKUP_LOSS}. Incoming datagrams are routed by the
 * transaction id of their clear header; what carries no pending transaction id is counted and
 * dropped.
 */
public final class MultiLinkTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MultiLinkTransport.class);

    /** Round-trip loss estimate from which a primary link no longer keeps the backup links idle. */
    public static final double BACKUP_LOSS = 0.5;

    private final TransportSettings settings;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final ToLongFunction<byte[]> transactionIdOf;
    private final Object linksLock = new Object();
    private volatile List<LinkEntry> links = List.of();
    private final List<Runnable> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<Long, Pending<?>> pending = new ConcurrentHashMap<>();
    /** When each server last answered anything, on any link: tells a dead server from a lossy link. */
    private final Map<InetSocketAddress, Long> lastHeard = new ConcurrentHashMap<>();
    /** A server heard from this recently is alive: its unanswered copies count as link loss. */
    private static final long ALIVE_NANOS = Retransmission.ALIVE_NANOS;
    /** Link ids an operator disabled; kept by id so a driver that is replaced (bundle update) stays disabled. */
    private final Set<String> disabledIds = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** A transport with default settings and its own scheduler thread. */
    public MultiLinkTransport() {
        this(TransportSettings.defaults(), null);
    }

    /**
     * @param settings  tuning
     * @param scheduler runs retransmissions and timeouts; null to create (and own) one
     */
    public MultiLinkTransport(TransportSettings settings, ScheduledExecutorService scheduler) {
        this(settings, scheduler, MultiLinkTransport::peekTransactionId);
    }

    /** For tests: reads transaction ids with {@code transactionIdOf} (0 = unreadable) instead of the codec. */
    MultiLinkTransport(TransportSettings settings, ScheduledExecutorService scheduler,
                       ToLongFunction<byte[]> transactionIdOf) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.transactionIdOf = Objects.requireNonNull(transactionIdOf, "transactionIdOf");
        if (scheduler == null) {
            ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "dtm-transport");
                t.setDaemon(true);
                return t;
            });
            own.setRemoveOnCancelPolicy(true);
            this.scheduler = own;
            this.ownsScheduler = true;
        } else {
            this.scheduler = scheduler;
            this.ownsScheduler = false;
        }
    }

    private static long peekTransactionId(byte[] datagram) {
        try {
            return Codec.peek(datagram).transactionId();
        } catch (ProtocolException | RuntimeException e) {
            return 0;
        }
    }

    /** Starts using {@code link} for every request; pending requests start sending on it at once. */
    public void addLink(LinkDriver link) {
        addLink(link, LinkUsage.ALWAYS);
    }

    /**
     * Starts using {@code link} as {@code usage} says; pending requests start sending on it at once
     * if it is usable. Adding the same driver twice is a no-op.
     */
    public void addLink(LinkDriver link, LinkUsage usage) {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(usage, "usage");
        LinkEntry entry;
        synchronized (linksLock) {
            for (LinkEntry e : links) {
                if (e.driver == link) {
                    return;
                }
            }
            entry = new LinkEntry(link, usage, settings);
            entry.enabled = !disabledIds.contains(link.id());
            List<LinkEntry> next = new ArrayList<>(links);
            next.add(entry);
            links = List.copyOf(next);
        }
        link.setHandler(new EntryHandler(entry));
        LOG.info("transport link added: link={} kind={} state={} usage={} enabled={}", link.id(), link.kindLabel(),
                entry.state(), usage.label(), entry.enabled);
        // A new primary may also send a backup link idle: every link is looked at again.
        reevaluate();
    }

    /** Stops using {@code link}; requests in flight continue on the other links. */
    public void removeLink(LinkDriver link) {
        LinkEntry removed = null;
        synchronized (linksLock) {
            List<LinkEntry> next = new ArrayList<>(links.size());
            for (LinkEntry e : links) {
                if (e.driver == link) {
                    removed = e;
                } else {
                    next.add(e);
                }
            }
            links = List.copyOf(next);
        }
        if (removed != null) {
            removed.removed = true;
            LOG.info("transport link removed: link={}", link.id());
            reevaluate();
        }
    }

    /**
     * Lets the transport use the link(s) with this id again; pending requests start on them at once.
     *
     * @return false if no link has this id
     */
    public boolean enable(String id) {
        if (!setEnabled(id, true)) {
            return false;
        }
        LOG.info("transport link enabled: link={}", id);
        reevaluate();
        return true;
    }

    /**
     * Stops using the link(s) with this id, also after their driver is replaced; requests in flight
     * continue on the other links.
     *
     * @return false if no link has this id
     */
    public boolean disable(String id) {
        if (!setEnabled(id, false)) {
            return false;
        }
        LOG.info("transport link disabled: link={}", id);
        reevaluate();
        return true;
    }

    /** False if an operator disabled the link(s) with this id. */
    public boolean isEnabled(String id) {
        return !disabledIds.contains(id);
    }

    private boolean setEnabled(String id, boolean enabled) {
        Objects.requireNonNull(id, "id");
        synchronized (linksLock) {
            boolean found = false;
            for (LinkEntry e : links) {
                if (e.driver.id().equals(id)) {
                    e.enabled = enabled;
                    found = true;
                }
            }
            if (found) {
                if (enabled) {
                    disabledIds.remove(id);
                } else {
                    disabledIds.add(id);
                }
            }
            return found;
        }
    }

    /** True if the link is usable and the backup policy lets it carry requests now. */
    private boolean eligible(LinkEntry e) {
        if (!e.usable()) {
            return false;
        }
        if (e.usage != LinkUsage.BACKUP) {
            return true;
        }
        for (LinkEntry other : links) {
            if (other.goodPrimary(BACKUP_LOSS)) {
                return false;
            }
        }
        return true;
    }

    /** Lets every pending request start at once on each link that has become eligible. */
    /**
     * Calls {@code listener} after every change of the link set: a link added, removed, enabled,
     * disabled, or its driver reporting another state. Called on the thread that made the change
     * (often the transport's scheduler); it must return quickly and never throw.
     */
    public void addChangeListener(Runnable listener) {
        changeListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Stops calling {@code listener}. */
    public void removeChangeListener(Runnable listener) {
        changeListeners.remove(listener);
    }

    private void reevaluate() {
        if (closed) {
            return;
        }
        for (Runnable l : changeListeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.warn("transport change listener failed: {}", e.toString());
            }
        }
        List<LinkEntry> current = links;
        for (Pending<?> p : pending.values()) {
            for (LinkEntry e : current) {
                p.wake(e);
            }
        }
    }

    /** The links in use. */
    public List<LinkDriver> links() {
        List<LinkDriver> out = new ArrayList<>();
        for (LinkEntry e : links) {
            out.add(e.driver);
        }
        return out;
    }

    /** Every link as the api describes it: identity, state, operator flag, estimates and counters. */
    public List<LinkInfo> linkInfos() {
        List<LinkInfo> out = new ArrayList<>();
        for (LinkEntry e : links) {
            LinkStats s = e.stats();
            out.add(new LinkInfo(s.id(), e.driver.kindLabel(), s.state().name().toLowerCase(Locale.ROOT), e.enabled,
                    e.metered(), address(e.driver::localAddress), address(e.driver::publicAddress), s.srtt(), s.rto(),
                    s.lossEstimate(), s.copies(), s.datagramsSent(), s.bytesSent(), s.datagramsReceived(),
                    s.bytesReceived(), s.duplicates()));
        }
        return out;
    }

    private static Optional<String> address(Supplier<Optional<InetSocketAddress>> source) {
        Optional<InetSocketAddress> a;
        try {
            a = source.get();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (a == null || a.isEmpty()) {
            return Optional.empty();
        }
        String host = a.get().getHostString();
        return Optional.of((host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.get().getPort());
    }

    /** A snapshot of every link's estimates and counters. */
    public List<LinkStats> stats() {
        List<LinkStats> out = new ArrayList<>();
        for (LinkEntry e : links) {
            out.add(e.stats());
        }
        return out;
    }

    /** For tests: the entry of the link with this id. */
    LinkEntry entry(String id) {
        for (LinkEntry e : links) {
            if (e.driver.id().equals(id)) {
                return e;
            }
        }
        throw new IllegalArgumentException("no link " + id);
    }

    /** True if one of {@code servers} answered anything within {@link Retransmission#ALIVE_NANOS}. */
    private boolean serverAlive(List<InetSocketAddress> servers, long now) {
        for (InetSocketAddress s : servers) {
            Long heard = lastHeard.get(s);
            if (heard != null && now - heard < Retransmission.ALIVE_NANOS) {
                return true;
            }
        }
        return false;
    }

    /** Number of requests still tracked (pending, or lingering to count late answers). */
    int tracked() {
        return pending.size();
    }

    /**
     * Sends {@code datagram} once (more copies on a lossy link) over every usable link to every
     * server, without waiting for anything.
     */
    public void send(List<InetSocketAddress> servers, byte[] datagram) {
        for (LinkEntry e : links) {
            if (eligible(e)) {
                int copies = e.copies();
                for (InetSocketAddress server : servers) {
                    for (int i = 0; i < copies; i++) {
                        sendOn(e, server, datagram);
                    }
                }
            }
        }
    }

    /**
     * Sends a request over every usable link to every server and completes with the first answer the
     * matcher accepts. Retransmits on each link at its RTO with backoff; fails with
     * {@link TimeoutException} when {@code timeout} passes without a valid answer. Cancelling the
     * returned future stops the retransmissions.
     *
     * @param transactionId the request's transaction id (non-zero, unique among pending requests)
     * @param servers       where to send it
     * @param datagram      the encoded request
     * @param matcher       recognises valid answers
     * @param timeout       how long to keep trying
     * @throws IllegalStateException if the transport is closed or the transaction id is already pending
     */
    public <T> CompletableFuture<Reply<T>> request(long transactionId, List<InetSocketAddress> servers, byte[] datagram,
                                                   ReplyMatcher<T> matcher, Duration timeout) {
        Objects.requireNonNull(servers, "servers");
        Objects.requireNonNull(datagram, "datagram");
        Objects.requireNonNull(matcher, "matcher");
        Objects.requireNonNull(timeout, "timeout");
        if (transactionId == 0) {
            throw new IllegalArgumentException("transaction id 0 is reserved");
        }
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no server to send to");
        }
        if (closed) {
            throw new IllegalStateException("transport closed");
        }
        Pending<T> p = new Pending<>(transactionId, List.copyOf(servers), datagram.clone(), matcher);
        if (pending.putIfAbsent(transactionId, p) != null) {
            throw new IllegalStateException("transaction " + Long.toHexString(transactionId) + " already pending");
        }
        p.future.whenComplete((r, e) -> p.finished());
        try {
            p.timeoutTask = scheduler.schedule(() -> p.future.completeExceptionally(new TimeoutException(
                    "no valid answer to transaction " + Long.toHexString(transactionId) + " within " + timeout.toMillis()
                            + " ms")), timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            p.future.completeExceptionally(new IllegalStateException("transport closed"));
            return p.future;
        }
        for (LinkEntry e : links) {
            p.startOn(e);
        }
        return p.future;
    }

    /** Fails pending requests, stops the owned scheduler. The links are not closed: they belong to their drivers. */
    @Override
    public void close() {
        closed = true;
        for (Pending<?> p : pending.values()) {
            p.future.completeExceptionally(new IllegalStateException("transport closed"));
        }
        pending.clear();
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    private boolean sendOn(LinkEntry e, InetSocketAddress server, byte[] datagram) {
        try {
            e.driver.send(server, datagram);
            e.datagramsSent.incrementAndGet();
            e.bytesSent.addAndGet(datagram.length);
            return true;
        } catch (IOException | RuntimeException ex) {
            e.sendErrors.incrementAndGet();
            LOG.debug("transport send failed: link={} server={} error={}", e.driver.id(), server, ex.toString());
            return false;
        }
    }

    private ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        try {
            return scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private void received(LinkEntry e, InetSocketAddress from, byte[] datagram) {
        if (e.removed) {
            return;
        }
        long txid = transactionIdOf.applyAsLong(datagram);
        Pending<?> p = txid == 0 ? null : pending.get(txid);
        if (p == null) {
            e.unsolicited.incrementAndGet();
            return;
        }
        e.datagramsReceived.incrementAndGet();
        e.bytesReceived.addAndGet(datagram.length);
        lastHeard.put(from, System.nanoTime());
        p.received(e, from, datagram);
    }

    /** Handler bound to one link entry, so a datagram is attributed to the right link. */
    private final class EntryHandler implements LinkHandler {
        private final LinkEntry entry;

        EntryHandler(LinkEntry entry) {
            this.entry = entry;
        }

        @Override
        public void received(LinkDriver link, InetSocketAddress source, byte[] datagram) {
            MultiLinkTransport.this.received(entry, source, datagram);
        }

        @Override
        public void stateChanged(LinkDriver link, LinkState state) {
            if (entry.removed) {
                return;
            }
            LOG.info("transport link state: link={} state={}", link.id(), state);
            // Off the driver's thread: sending from inside its callback could meet its own locks.
            try {
                scheduler.execute(MultiLinkTransport.this::reevaluate);
            } catch (RejectedExecutionException closing) {
                LOG.debug("transport closed: link={} state={} ignored", link.id(), state);
            }
        }
    }

    /** Per request, per link: rounds sent and answers seen, by server. */
    private static final class PerLink {
        int round;
        long firstSendNanos = -1;
        final Map<InetSocketAddress, Integer> sends = new HashMap<>();
        final Map<InetSocketAddress, Integer> answers = new HashMap<>();
        ScheduledFuture<?> timer;
        /** Bumped whenever the timer is replaced, so a cancelled timer that fires anyway does nothing. */
        int generation;
        /** True if the last round sent nothing (link not eligible): a wake-up sends at once. */
        boolean idle;
        /** Rounds sent briskly ({@link Retransmission}): not counted in the backoff. */
        int briskRounds;
    }

    /** One request in flight, and afterwards lingering briefly to learn from late answers. */
    private final class Pending<T> {
        final long txid;
        final List<InetSocketAddress> servers;
        final byte[] datagram;
        final ReplyMatcher<T> matcher;
        final CompletableFuture<Reply<T>> future = new CompletableFuture<>();
        final Map<LinkEntry, PerLink> perLink = new IdentityHashMap<>();
        final long startNanos = System.nanoTime();
        volatile boolean done;
        ScheduledFuture<?> timeoutTask;
        private boolean accounted;

        Pending(long txid, List<InetSocketAddress> servers, byte[] datagram, ReplyMatcher<T> matcher) {
            this.txid = txid;
            this.servers = servers;
            this.datagram = datagram;
            this.matcher = matcher;
        }

        /** Sends the first round on {@code e} (if usable) and arms its retransmission timer. */
        void startOn(LinkEntry e) {
            PerLink pl;
            synchronized (this) {
                if (done || perLink.containsKey(e)) {
                    return;
                }
                pl = new PerLink();
                perLink.put(e, pl);
            }
            round(e, pl, pl.generation);
        }

        /** Sends on {@code e} at once if it is eligible and was left idle; otherwise changes nothing. */
        void wake(LinkEntry e) {
            PerLink pl;
            int generation;
            synchronized (this) {
                if (done) {
                    return;
                }
                pl = perLink.get(e);
                if (pl != null) {
                    if (!pl.idle || !eligible(e)) {
                        return;
                    }
                    if (pl.timer != null) {
                        pl.timer.cancel(false);
                    }
                    generation = ++pl.generation;
                } else {
                    generation = -1;
                }
            }
            if (pl == null) {
                startOn(e);
            } else {
                round(e, pl, generation);
            }
        }

        private void round(LinkEntry e, PerLink pl, int generation) {
            long interval;
            synchronized (this) {
                if (done || e.removed || generation != pl.generation) {
                    return;
                }
                pl.idle = !eligible(e);
                long now = System.nanoTime();
                boolean brisk = false;
                if (!pl.idle) {
                    if (pl.firstSendNanos < 0) {
                        pl.firstSendNanos = now;
                    } else {
                        pl.round++;
                    }
                    // Random loss is not congestion: while a lossy link's server answers (or the link
                    // is cold), rounds follow at the RTO and an unanswered one sends more copies.
                    brisk = Retransmission.brisk(!e.hasRttSample(), e.loss() >= settings.redundancyLoss(),
                            serverAlive(servers, now), pl.round, now - pl.firstSendNanos);
                    int copies = Retransmission.copies(e.copies(), settings.maxCopies(), pl.round, brisk);
                    for (InetSocketAddress server : servers) {
                        int sent = 0;
                        for (int i = 0; i < copies; i++) {
                            if (sendOn(e, server, datagram)) {
                                sent++;
                            }
                        }
                        pl.sends.merge(server, sent, Integer::sum);
                    }
                    if (brisk) {
                        pl.briskRounds++;
                    }
                }
                // Otherwise backoff doubles per retransmission round after the brisk ones, capped at
                // the maximum RTO: a silent server sees it within a second.
                interval = Retransmission.interval(e.rtoNanos(), settings.maxRto().toNanos(), brisk,
                        pl.round - pl.briskRounds);
                int next = ++pl.generation;
                pl.timer = schedule(() -> round(e, pl, next), interval);
            }
        }

        void received(LinkEntry e, InetSocketAddress from, byte[] d) {
            long now = System.nanoTime();
            synchronized (this) {
                PerLink pl = perLink.get(e);
                if (pl != null) {
                    int before = pl.answers.getOrDefault(from, 0);
                    pl.answers.put(from, before + 1);
                    // Karn: only answers to a link's first round are unambiguous round-trip samples.
                    // An answer after retransmissions still bounds the round trip from above (timed
                    // from the first send): it may lower the estimate, or give a link its first one
                    // (a GEO link slower than the initial RTO retransmits before every answer), as a
                    // tentative estimate the next unambiguous sample replaces.
                    if (before == 0 && pl.firstSendNanos >= 0 && pl.sends.containsKey(from)) {
                        if (pl.round == 0) {
                            e.rttSample(now - pl.firstSendNanos);
                        } else {
                            e.rttUpperBound(now - pl.firstSendNanos);
                        }
                    }
                }
            }
            if (done) {
                e.duplicates.incrementAndGet();
                return;
            }
            T value;
            try {
                value = matcher.match(d, from);
            } catch (RuntimeException ex) {
                LOG.warn("transport reply matcher failed: link={} server={} error={}", e.driver.id(), from, ex.toString());
                return;
            }
            if (value == null) {
                return;
            }
            if (!future.complete(new Reply<>(value, from, e.driver.id(), now - startNanos))) {
                e.duplicates.incrementAndGet();
            }
        }

        /** Called once the future completes by any means: stop sending, linger, then learn. */
        void finished() {
            long linger = 0;
            synchronized (this) {
                done = true;
                if (timeoutTask != null) {
                    timeoutTask.cancel(false);
                }
                for (Map.Entry<LinkEntry, PerLink> en : perLink.entrySet()) {
                    if (en.getValue().timer != null) {
                        en.getValue().timer.cancel(false);
                    }
                    // A link without an RTT sample yet may be far slower than the initial RTO (a GEO
                    // satellite): wait the longest RTO for its answer rather than count it as lost.
                    LinkEntry e = en.getKey();
                    linger = Math.max(linger, e.hasRttSample() ? 2 * e.rtoNanos() : settings.maxRto().toNanos());
                }
            }
            if (future.isCompletedExceptionally()) {
                account();
                return;
            }
            // Keep routing late answers here for a while: they feed the slower links' estimates.
            linger = Math.min(settings.maxRto().toNanos(), linger);
            if (schedule(this::account, linger) == null) {
                account();
            }
        }

        /** Feeds the send outcomes into each link's loss estimate and forgets the request. */
        void account() {
            pending.remove(txid, this);
            synchronized (this) {
                if (accounted) {
                    return;
                }
                accounted = true;
                // A server that answered on no link tells nothing about the links (it may be down),
                // unless it answered recently: with one link, a lossy link otherwise looks clean
                // (every request whose copies were all lost would be blamed on the server).
                Set<InetSocketAddress> responsive = new HashSet<>();
                for (PerLink pl : perLink.values()) {
                    responsive.addAll(pl.answers.keySet());
                }
                long now = System.nanoTime();
                for (InetSocketAddress server : servers) {
                    Long heard = lastHeard.get(server);
                    if (heard != null && now - heard < ALIVE_NANOS) {
                        responsive.add(server);
                    }
                }
                for (Map.Entry<LinkEntry, PerLink> en : perLink.entrySet()) {
                    int answered = 0;
                    int lost = 0;
                    for (Map.Entry<InetSocketAddress, Integer> s : en.getValue().sends.entrySet()) {
                        if (responsive.contains(s.getKey())) {
                            int a = Math.min(s.getValue(), en.getValue().answers.getOrDefault(s.getKey(), 0));
                            answered += a;
                            lost += s.getValue() - a;
                        }
                    }
                    en.getKey().lossOutcomes(answered, lost);
                }
            }
        }
    }
}
