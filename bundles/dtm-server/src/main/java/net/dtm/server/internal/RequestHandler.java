package net.dtm.server.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelType;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Confirm;
import net.dtm.protocol.Direction;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Header;
import net.dtm.protocol.Message;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Params;
import net.dtm.protocol.PathUpdate;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.Release;
import net.dtm.protocol.Renew;
import net.dtm.protocol.ReplayWindow;
import net.dtm.protocol.SequenceSource;
import net.dtm.spi.cluster.Cluster;

/**
 * The server's request logic, without sockets: one received datagram in, at most one encoded
 * answer out.
 * <p>
 * Idempotency: answers are kept per (device, transaction id) for {@code answerTtl}. Every copy of
 * a request (the agent sends the same datagram over every link) gets the very same bytes, and
 * copies arriving at the same moment wait for the one computation in flight, so a request is
 * applied to the pool at most once. Refusals that may succeed on a retry (store unavailable,
 * internal error, not serving) stay in the cache only as a mark that the request may be tried
 * again: the next copy, even the very same datagram retransmitted (judged DUPLICATE by the replay
 * window), is processed afresh. A DUPLICATE with no mark at all (its answer expired) is dropped.
 * <p>
 * Nothing that fails authentication or parsing is ever answered or changes any state; it is
 * counted as {@code dropped.<reason>}.
 * <p>
 * <b>Cluster.</b> Given this node's {@link Cluster} (the constructor with one; the others make a
 * standalone node, a cluster of one), through a {@link ClusterView}:
 * <ul>
 * <li>degraded (not {@link Cluster#isConnected()}): ESTABLISH gets NAK {@code store-unavailable}
 * at once, without touching the store ({@code refused.degraded}); CONFIRM, RENEW and RELEASE go to
 * the pool manager, which renews the leases it knows unchanged while the store is unavailable
 * ({@code renewals.while.degraded} counts renewals answered while degraded, from the store or from memory);</li>
 * <li>draining (this node's member record says so): ESTABLISH gets NAK {@code not-serving} at once
 * ({@code refused.draining}); CONFIRM, RENEW and RELEASE keep working;</li>
 * <li>every PARAMS (new lease and renewal) carries the server list of {@link ClusterView#servers()}:
 * the registered, not draining members (this node left out while draining), or the configured
 * {@code advertise.servers} when not empty;</li>
 * <li>{@code leases.served} counts PARAMS for ESTABLISH and RENEW and ACKs of CONFIRM; a
 * {@link ClusterHeartbeat} publishes it.</li>
 * </ul>
 * <p>
 * <b>Composing a cluster node in plain Java</b> (as {@code ServerComponent} does in Karaf; the
 * store and cluster come from the store implementation, e.g. the ZooKeeper store's store and
 * {@code Cluster}, or {@code DerbyStore} and {@code StandaloneCluster}):
 * <pre>{@code
 * Cluster cluster = ...;                    // this node's membership (its nodeId() is the node id)
 * LeaseStore store = ...;  DeviceStore deviceStore = ...;
 * PoolManager pools = new PoolManager(store, null, Clock.systemUTC(), PoolSettings.DEFAULTS, cluster);
 * DeviceManager devices = new DeviceManager(deviceStore);
 * devices.preload();
 * Counters counters = new Counters();
 * AtomicReference<RequestHandler> ref = new AtomicReference<>();
 * UdpEndpoint udp = UdpEndpoint.async(bind,
 *         (d, from) -> ref.get() == null ? CompletableFuture.completedFuture(Optional.empty()) : ref.get().handleAsync(d, from),
 *         counters, 64, 4096, 256);
 * InetSocketAddress advertised = udp.localAddress();  // or the address devices reach it at
 * ServerSettings settings = new ServerSettings(cluster.nodeId(), advertised,
 *         new InetSocketAddress(advertised.getAddress(), 4789), TunnelType.VXLAN, 1400, 10, "pool",
 *         List.of());                       // empty: push the cluster's server list
 * RequestHandler handler = new RequestHandler(settings, devices::key, pools, Clock.systemUTC(), counters,
 *         RequestHandler.DEFAULT_ANSWER_TTL, RequestHandler.DEFAULT_ANSWER_CAPACITY, cluster);
 * ref.set(handler);
 * ClusterHeartbeat heartbeat = ClusterHeartbeat.start(cluster, advertised, handler::leasesServed,
 *         ClusterHeartbeat.DEFAULT_PERIOD);    // advertise once bound, publish every 5 s
 * ScheduledExecutorService housekeeping = ...; // every 30 s: pools.sweepIfLeader()
 * // shutdown: heartbeat.close(); udp.close(); handler.close(); pools.close(); then the cluster and store
 * }</pre>
 * Counters for a checker: {@code leases.served}, {@code refused.degraded}, {@code refused.draining},
 * {@code renewals.while.degraded} (here), {@link net.dtm.pool.PoolManager#counters()} ({@code
 * renewed.degraded}, {@code allocate.address-taken}).
 */
public final class RequestHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);

    /** How long answers are kept for duplicates and retransmissions by default. */
    public static final Duration DEFAULT_ANSWER_TTL = Duration.ofSeconds(60);
    /** How many answers are kept at most by default. */
    public static final int DEFAULT_ANSWER_CAPACITY = 65_536;
    /** How long a copy waits for the same request's answer being computed by another thread. */
    private static final long WAIT_SECONDS = 30;
    /** Counter of leases served. */
    public static final String LEASES_SERVED = "leases.served";
    private static final CompletableFuture<Optional<byte[]>> NO_ANSWER = CompletableFuture.completedFuture(Optional.empty());

    private final ServerSettings settings;
    private final Function<DeviceId, Optional<byte[]>> keys;
    private final AddressPoolAdminService pools;
    private final Clock clock;
    private final Counters counters;
    private final long answerTtlMillis;
    private final int answerCapacity;
    private final ClusterView view;
    /** Null until {@link #enableDataPlane}: no lease events, no WireGuard key. */
    private volatile DataPathEvents dataPaths;
    private volatile String wireGuardPublicKey = "";

    private final SequenceSource sequences = new SequenceSource();
    private final ConcurrentHashMap<DeviceId, ReplayWindow> windows = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<AnswerKey, CachedAnswer> answers = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<CachedAnswer> answerOrder = new ConcurrentLinkedQueue<>();
    private final ReentrantLock evicting = new ReentrantLock();

    private record AnswerKey(DeviceId device, long transactionId) {
    }

    /** One request's answer; {@code retryable} is set, before the answer completes, for a transient refusal. */
    private record CachedAnswer(AnswerKey key, long createdMillis, CompletableFuture<Optional<byte[]>> answer,
                                AtomicBoolean retryable) {
        CachedAnswer(AnswerKey key, long createdMillis) {
            this(key, createdMillis, new CompletableFuture<>(), new AtomicBoolean());
        }

        boolean retryableNow() {
            return answer.isDone() && retryable.get();
        }
    }

    public RequestHandler(ServerSettings settings, Function<DeviceId, Optional<byte[]>> keys,
                          AddressPoolAdminService pools, Clock clock) {
        this(settings, keys, pools, clock, new Counters(), DEFAULT_ANSWER_TTL, DEFAULT_ANSWER_CAPACITY);
    }

    public RequestHandler(ServerSettings settings, Function<DeviceId, Optional<byte[]>> keys,
                          AddressPoolAdminService pools, Clock clock, Counters counters,
                          Duration answerTtl, int answerCapacity) {
        this(settings, keys, pools, clock, counters, answerTtl, answerCapacity, null);
    }

    /**
     * A handler of a cluster node.
     *
     * @param cluster this node's membership; null means a standalone node (never degraded or
     *                draining, pushes the configured server list)
     */
    public RequestHandler(ServerSettings settings, Function<DeviceId, Optional<byte[]>> keys,
                          AddressPoolAdminService pools, Clock clock, Counters counters,
                          Duration answerTtl, int answerCapacity, Cluster cluster) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.pools = Objects.requireNonNull(pools, "pools");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.answerTtlMillis = answerTtl.toMillis();
        if (answerCapacity < 1) {
            throw new IllegalArgumentException("answer capacity must be positive");
        }
        this.answerCapacity = answerCapacity;
        this.view = new ClusterView(cluster, settings, clock);
    }

    /**
     * Turns on the data plane: version 2 requests get their tunnel key (and with a WireGuard key,
     * WireGuard), and the device's data path is reported to {@code events}. Call before the first
     * request.
     *
     * @param events             where this node's lease events go
     * @param wireGuardPublicKey this node's WireGuard public key (base64), empty if it offers none
     */
    public void enableDataPlane(DataPathEvents events, String wireGuardPublicKey) {
        Objects.requireNonNull(wireGuardPublicKey, "wireGuardPublicKey");
        if (!wireGuardPublicKey.isEmpty() && !isWireGuardKey(wireGuardPublicKey)) {
            throw new IllegalArgumentException("tunnel.wireguard.public.key must be a WireGuard public key (base64 of 32 bytes, as wg pubkey prints it)");
        }
        this.dataPaths = Objects.requireNonNull(events, "events");
        this.wireGuardPublicKey = Objects.requireNonNull(wireGuardPublicKey, "wireGuardPublicKey");
    }

    /** True for a base64 WireGuard key: 44 characters, 32 bytes. */
    static boolean isWireGuardKey(String key) {
        if (key == null || key.length() != 44) {
            return false;
        }
        try {
            return java.util.Base64.getDecoder().decode(key).length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The data-path memory of this node, if the data plane is on. */
    public Optional<DataPathEvents> dataPaths() {
        return Optional.ofNullable(dataPaths);
    }

    /** What this handler knows of the cluster: degraded, draining, the server list it pushes. */
    public ClusterView clusterView() {
        return view;
    }

    /** Leases served since start: PARAMS for ESTABLISH and RENEW, ACKs of CONFIRM. */
    public long leasesServed() {
        return counters.get(LEASES_SERVED);
    }

    /** Stops listening to the cluster. */
    public void close() {
        view.close();
    }

    /** This node's settings. */
    public ServerSettings settings() {
        return settings;
    }

    /** The counters this handler increments. */
    public Counters counters() {
        return counters;
    }

    /** A snapshot of the counters. */
    public Map<String, Long> counterSnapshot() {
        return counters.snapshot();
    }

    /** Answers kept for copies of their requests (tests). */
    int cachedAnswers() {
        return answers.size();
    }

    /**
     * Handles one received copy of a request.
     *
     * @param datagram the datagram as received
     * @param source   where it came from (only used for logging; the caller answers to it)
     * @return the encoded answer to send back to {@code source}, or empty to drop silently
     */
    public Optional<byte[]> handle(byte[] datagram, InetSocketAddress source) {
        return handleAsync(datagram, source).join();
    }

    /**
     * Like {@link #handle}, without holding the calling thread while another copy of the same
     * request is being worked on: a new request is handled before this returns (its future is
     * complete), a copy's future completes with the first copy's answer.
     */
    public CompletableFuture<Optional<byte[]>> handleAsync(byte[] datagram, InetSocketAddress source) {
        counters.increment("received");
        Header header;
        try {
            header = Codec.peek(datagram);
        } catch (ProtocolException e) {
            return drop(e.kind());
        }
        Optional<byte[]> key;
        try {
            key = keys.apply(header.device());
        } catch (RuntimeException e) {
            // The device registry's store is down: we cannot authenticate, so we cannot answer.
            counters.increment("dropped.key-lookup-failed");
            LOG.debug("cannot look up key of device={} from {}: {}", header.device(), source, e.toString());
            return NO_ANSWER;
        }
        if (key.isEmpty()) {
            counters.increment("dropped.unknown-device");
            LOG.debug("dropped datagram from {}: unknown device={}", source, header.device());
            return NO_ANSWER;
        }
        Envelope request;
        try {
            request = Codec.decode(datagram, key.get());
        } catch (ProtocolException e) {
            LOG.debug("dropped datagram from {} claiming device={}: {}", source, header.device(), e.kind());
            return drop(e.kind());
        }
        if (request.direction() != Direction.TO_SERVER) {
            counters.increment("dropped.direction");
            return NO_ANSWER;
        }
        if (!isRequest(request.body())) {
            counters.increment("dropped.unexpected-type");
            LOG.debug("dropped {} from device={}: not a request", request.type(), request.device());
            return NO_ANSWER;
        }
        AnswerKey answerKey = new AnswerKey(request.device(), request.transactionId());
        ReplayWindow window = windows.computeIfAbsent(request.device(), d -> new ReplayWindow());
        long now = clock.millis();
        CachedAnswer existing;
        CachedAnswer mine = null;
        // The verdict and the reservation of the answer slot are one step per device, so a copy
        // judged DUPLICATE always finds the first copy's slot and waits for its answer.
        synchronized (window) {
            ReplayWindow.Verdict verdict = window.check(request.sequence());
            if (verdict == ReplayWindow.Verdict.REPLAY) {
                counters.increment("dropped.replay");
                LOG.debug("dropped replayed {} from device={} via {}", request.type(), request.device(), source);
                return NO_ANSWER;
            }
            existing = answers.get(answerKey);
            boolean retry = false;
            if (existing != null && existing.answer().isDone()
                    && (existing.retryableNow() || now - existing.createdMillis() > answerTtlMillis)) {
                answers.remove(answerKey, existing);
                retry = existing.retryableNow() && now - existing.createdMillis() <= answerTtlMillis;
                existing = null;
            }
            if (existing == null && (verdict == ReplayWindow.Verdict.NEW || retry)) {
                mine = new CachedAnswer(answerKey, now);
                answers.put(answerKey, mine);
            }
        }
        if (existing != null) {
            // another copy of this request: over another link, or retransmitted with a new sequence
            return answerAgain(existing);
        }
        if (mine == null) {
            counters.increment("dropped.duplicate");   // its answer expired or was evicted
            return NO_ANSWER;
        }
        answerOrder.add(mine);
        evict(now);
        return CompletableFuture.completedFuture(answerOnce(mine, request, key.get()));
    }

    private CompletableFuture<Optional<byte[]>> drop(ProtocolException.Kind kind) {
        counters.increment("dropped." + kind.name().toLowerCase(Locale.ROOT));
        return NO_ANSWER;
    }

    private static boolean isRequest(Message body) {
        return body instanceof Establish || body instanceof Confirm || body instanceof Renew || body instanceof Release
                || body instanceof PathUpdate;
    }

    private Optional<byte[]> answerOnce(CachedAnswer mine, Envelope request, byte[] deviceKey) {
        Optional<byte[]> answer = Optional.empty();
        boolean keep = true;
        try {
            Message body = process(request);
            keep = !(body instanceof Nak nak && isTransient(nak.reason()));
            answer = Optional.of(encode(request, body, deviceKey));
        } catch (RuntimeException e) {
            // encode of our own answer failed: a bug, never the device's fault
            LOG.error("cannot answer {} from device={}", request.type(), request.device(), e);
            answer = encodeInternalNak(request, deviceKey);
            keep = false;
        } finally {
            // Marked before completing, so whoever sees the answer done also sees the mark.
            mine.retryable().set(!keep);
            mine.answer().complete(answer);
        }
        return answer;
    }

    /** The first copy's answer, once it is there (at most {@value #WAIT_SECONDS} s later). */
    private CompletableFuture<Optional<byte[]>> answerAgain(CachedAnswer cached) {
        return cached.answer().copy().orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).handle((answer, failure) -> {
            if (failure != null) {
                counters.increment("dropped.timeout");
                return Optional.empty();
            }
            counters.increment(answer.isPresent() ? "answered.duplicate" : "dropped.duplicate");
            return answer;
        });
    }

    /**
     * Drops the oldest answers beyond the capacity or the time to live. One thread at a time does
     * it (the others go on; the next request evicts again): with several, each would find the head
     * it saw taken by another and search the whole queue for it.
     */
    private void evict(long now) {
        if (!evicting.tryLock()) {
            return;
        }
        try {
            CachedAnswer head;
            while ((head = answerOrder.peek()) != null
                    && (answers.size() > answerCapacity || now - head.createdMillis() > answerTtlMillis)) {
                answerOrder.poll(); // the head just seen: only the holder of the lock takes from the queue
                answers.remove(head.key(), head);
            }
        } finally {
            evicting.unlock();
        }
    }

    private static boolean isTransient(Reason reason) {
        return reason == Reason.STORE_UNAVAILABLE || reason == Reason.INTERNAL || reason == Reason.NOT_SERVING;
    }

    private byte[] encode(Envelope request, Message body, byte[] deviceKey) {
        byte[] out = Codec.encode(new Envelope(Direction.TO_DEVICE, request.device(), request.transactionId(),
                sequences.next(), body, request.version()), deviceKey);
        counters.increment("answered." + body.type().name().toLowerCase(Locale.ROOT));
        return out;
    }

    private Optional<byte[]> encodeInternalNak(Envelope request, byte[] deviceKey) {
        try {
            return Optional.of(encode(request, new Nak(Reason.INTERNAL, "internal error"), deviceKey));
        } catch (RuntimeException e) {
            counters.increment("dropped.internal");
            return Optional.empty();
        }
    }

    /** Applies one new request to the pool and builds the answer body. Never throws. */
    private Message process(Envelope request) {
        DeviceId device = request.device();
        try {
            Message body = request.body();
            boolean v2 = request.version() >= 2;
            DataPathEvents paths = dataPaths;
            if (body instanceof Establish establish) {
                return establish(device, establish, v2, request.sequence());
            } else if (body instanceof Confirm confirm) {
                Lease lease = pools.confirm(confirm.pool(), device, confirm.address(), confirm.leaseSequence());
                counters.increment(LEASES_SERVED);
                if (paths != null) {
                    pools.pool(lease.pool()).ifPresent(pool -> paths.confirmed(lease, pool));
                }
                LOG.debug("confirmed: device={} pool={} address={} node={}", device, lease.pool(),
                        lease.address().getHostAddress(), settings.nodeId());
                return new Ack(MessageType.CONFIRM);
            } else if (body instanceof Renew renew) {
                Lease lease = pools.renew(renew.pool(), device, renew.address(), renew.leaseSequence());
                if (view.degraded()) {
                    counters.increment("renewals.while.degraded");
                }
                LOG.debug("lease renewed: device={} pool={} address={} expires={} node={}", device, lease.pool(),
                        lease.address().getHostAddress(), lease.expiresAt(), settings.nodeId());
                Params params = params(lease, false, v2);
                counters.increment(LEASES_SERVED);
                if (paths != null && v2) {
                    pools.pool(lease.pool()).ifPresent(pool -> paths.renewed(lease, pool, renew.tunnelServer(),
                            renew.path(), settings.tunnelType(), request.sequence()));
                }
                return params;
            } else if (body instanceof PathUpdate move) {
                return pathUpdate(device, move, paths, request.sequence());
            } else if (body instanceof Release release) {
                if (!pools.release(release.pool(), device, release.address(), release.leaseSequence())) {
                    throw new DtmException(Reason.UNKNOWN_LEASE, "no lease of device " + device + " in pool " + release.pool());
                }
                if (paths != null) {
                    pools.lease(release.pool(), device).ifPresent(paths::released);
                }
                LOG.info("lease released: device={} pool={} address={} node={}", device, release.pool(),
                        release.address().getHostAddress(), settings.nodeId());
                return new Ack(MessageType.RELEASE);
            }
            throw new DtmException(Reason.BAD_REQUEST, "not a request: " + body.type());
        } catch (DtmException e) {
            LOG.debug("refused {} of device={}: {} {}", request.type(), device, e.reason().label(), e.getMessage());
            return nak(e.reason(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("internal error handling {} of device={} on node={}", request.type(), device, settings.nodeId(), e);
            return nak(Reason.INTERNAL, "internal error");
        }
    }

    /** PATH: the device quotes its lease (like CONFIRM) and names the link now carrying its tunnel. */
    private Message pathUpdate(DeviceId device, PathUpdate move, DataPathEvents paths, long sequence) {
        Pool pool = pools.pool(move.pool())
                .orElseThrow(() -> new DtmException(Reason.UNKNOWN_LEASE, "no pool " + move.pool()));
        Lease lease = pools.lease(move.pool(), device)
                .filter(l -> l.isActiveAt(Instant.now(clock)))
                .filter(l -> l.isQuotedBy(move.address(), pool.innerAddress(l.address()), move.leaseSequence()))
                .orElseThrow(() -> new DtmException(Reason.UNKNOWN_LEASE, "no active lease of device " + device
                        + " for " + move.address().getHostAddress() + " in pool " + move.pool()));
        if (paths == null || !paths.pathChanged(lease, pool, move.path(), sequence)) {
            counters.increment("refused.path-not-served");
            throw new DtmException(Reason.NOT_SERVING, "node " + settings.nodeId()
                    + " is not the tunnel server of device " + device + ": send PATH to the node that confirmed the tunnel");
        }
        LOG.info("tunnel path moved: device={} pool={} address={} link={} outer={} node={}", device, lease.pool(),
                move.address().getHostAddress(), move.path().linkId(), move.path().localAddress(), settings.nodeId());
        return new Ack(MessageType.PATH);
    }

    private Message establish(DeviceId device, Establish establish, boolean v2, long sequence) {
        if (view.degraded()) {
            counters.increment("refused.degraded");
            throw new DtmException(Reason.STORE_UNAVAILABLE, "node " + settings.nodeId()
                    + " cannot reach the store's quorum: no new leases here now, ask another server");
        }
        if (view.draining()) {
            counters.increment("refused.draining");
            throw new DtmException(Reason.NOT_SERVING, "node " + settings.nodeId() + " is draining: ask another server");
        }
        if (establish.tunnelType() != settings.tunnelType()) {
            throw new DtmException(Reason.BAD_REQUEST, "tunnel type " + establish.tunnelType().name().toLowerCase(Locale.ROOT)
                    + " not offered by node " + settings.nodeId() + " (offers "
                    + settings.tunnelType().name().toLowerCase(Locale.ROOT) + ")");
        }
        if (v2 && establish.tunnelType() == TunnelType.WIREGUARD) {
            if (wireGuardPublicKey.isEmpty()) {
                throw new DtmException(Reason.BAD_REQUEST, "node " + settings.nodeId()
                        + " has no WireGuard key (tunnel.wireguard.public.key)");
            }
            if (!isWireGuardKey(establish.devicePublicKey())) {
                throw new DtmException(Reason.BAD_REQUEST, "a WireGuard device must send its public key (base64 of 32 bytes)");
            }
        }
        InetAddress hint = establish.lastAddress().orElse(null);
        Lease lease;
        if (establish.pool().isEmpty()) {
            lease = pools.allocate(device, establish.tunnelType(), hint);
        } else {
            Pool pool = pools.pool(establish.pool())
                    .orElseThrow(() -> new DtmException(Reason.NO_POOL, "no pool " + establish.pool()));
            if (!pool.serves(device, establish.tunnelType())) {
                throw new DtmException(Reason.NO_POOL, "pool " + pool.name() + " does not serve device " + device);
            }
            lease = pools.allocate(pool.name(), device, hint);
        }
        LOG.debug("lease offered: device={} pool={} address={} sequence={} node={}", device, lease.pool(),
                lease.address().getHostAddress(), lease.sequence(), settings.nodeId());
        Params params = params(lease, true, v2);
        counters.increment(LEASES_SERVED);
        DataPathEvents paths = dataPaths;
        if (paths != null && v2) {
            paths.offered(device, establish.tunnelType(), establish.path(), establish.devicePublicKey(), lease, sequence);
        }
        return params;
    }

    /**
     * PARAMS for a lease. For a fresh offer (LOCKED, not yet confirmed) the device is told the
     * pool's full lease time: its CONFIRM, sent at once, starts exactly that lifetime, so the
     * device never believes in a longer lease than it holds. Otherwise it is told what remains.
     */
    private Params params(Lease lease, boolean offer, boolean v2) {
        Pool pool = pools.pool(lease.pool())
                .orElseThrow(() -> new DtmException(Reason.NO_POOL, "pool " + lease.pool() + " does not exist"));
        int leaseSeconds;
        if (offer && lease.state() == LeaseState.LOCKED) {
            leaseSeconds = pool.leaseSeconds();
        } else {
            long remaining = Duration.between(Instant.now(clock), lease.expiresAt()).getSeconds();
            leaseSeconds = (int) Math.max(1, Math.min(remaining, Integer.MAX_VALUE));
        }
        // A v1 device cannot read the data-plane fields: it gets none.
        long key = v2 ? DataPathEvents.tunnelKey(settings.tunnelType(), pool, lease.address()) : 0;
        String serverKey = v2 && settings.tunnelType() == TunnelType.WIREGUARD ? wireGuardPublicKey : "";
        TunnelParameters parameters = new TunnelParameters(pool.innerAddress(lease.address()), pool.innerPrefixLength(), pool.gateway(),
                settings.tunnelEndpoint(), settings.tunnelType(), settings.mtu(), settings.keepaliveSeconds(),
                leaseSeconds, settings.nodeId(), key, serverKey);
        return new Params(parameters, lease.pool(), lease.sequence(), view.servers());
    }

    private static Nak nak(Reason reason, String text) {
        String t = text == null ? reason.label() : text;
        // the wire allows at most 200 bytes of UTF-8; our texts are ASCII apart from ids
        while (t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 200) {
            t = t.substring(0, t.length() - 1);
        }
        return new Nak(reason, t);
    }
}
