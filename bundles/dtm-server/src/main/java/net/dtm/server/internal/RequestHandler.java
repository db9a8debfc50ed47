package net.dtm.server.internal;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.api.DtmException.Reason;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Direction;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Header;
import net.dtm.protocol.Message;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.Nak;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.SequenceSource;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.store.EnrolmentKeyStore;

/**
 * The server's request logic, without sockets: one received datagram in, at most one encoded
 * answer out. It composes the steps of a request:
 * <ol>
 * <li>{@link RequestAuthenticator}: key look-up, MAC check, direction; nothing that fails is ever
 * answered or changes any state, it is counted as {@code dropped.<reason>};</li>
 * <li>the request type must be one the {@link RequestDispatch} serves ({@code dropped.unexpected-type});</li>
 * <li>freshness (the device's replay window) and, in the same step, the {@link AnswerCache}: every
 * copy of a request (the agent sends the same datagram over every link) gets the very same bytes,
 * and copies arriving at the same moment wait for the one computation in flight, so a request is
 * applied to the pool at most once; transient refusals are processed afresh on the next copy; a
 * replay (older than the window, or older than the binding's persisted mark in the pool: {@code
 * stale-sequence}) gets at most a rate-limited resync NAK carrying the mark ({@link ResyncNaks});</li>
 * <li>the {@link MessageHandler} of its type, through the {@link RequestDispatch} (refusals become
 * NAKs), with PARAMS from the {@link ParamsBuilder};</li>
 * <li>the answer encoded with the device's key.</li>
 * </ol>
 * An ENROL (zero-touch enrolment: no device key protects it) goes to the {@link EnrolPath} instead,
 * before any of these steps; it is off until {@link #enrolment} gives it the enrolment keys.
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
 * A whole node (endpoint, request handling, data path events, heartbeat, provisioning) is assembled
 * by {@code net.dtm.server.node.ServerNode}, the one place that builds a request handler in main code.
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
    /** Counter of leases served. */
    public static final String LEASES_SERVED = "leases.served";
    /** Prefix of the counters of NAKs sent, by reason: {@code nak.<reason label>}. */
    public static final String NAK_PREFIX = "nak.";
    private static final CompletableFuture<Optional<byte[]>> NO_ANSWER = CompletableFuture.completedFuture(Optional.empty());
    /** Admission of a replay that gets a resync NAK. */
    private static final AnswerCache.Claim RESYNC = new AnswerCache.Claim(null, null);

    private final ServerSettings settings;
    private final Clock clock;
    private final Counters counters;
    private final ClusterView view;
    private final DataPlane dataPlane = new DataPlane();
    private final RequestAuthenticator authenticator;
    private final AnswerCache answers;
    private final ResyncNaks resyncs;
    private final RequestDispatch dispatch;
    private final EnrolPath enrol;
    private final SequenceSource sequences = new SequenceSource();

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
     * @param keys    a device's key, empty if it is not enrolled
     * @param cluster this node's membership; null means a standalone node (never degraded or
     *                draining, pushes the configured server list)
     */
    public RequestHandler(ServerSettings settings, Function<DeviceId, Optional<byte[]>> keys,
                          AddressPoolAdminService pools, Clock clock, Counters counters,
                          Duration answerTtl, int answerCapacity, Cluster cluster) {
        this(settings, RequestAuthenticator.keysOnly(keys), pools, clock, counters, answerTtl, answerCapacity, cluster);
    }

    /**
     * A handler of the devices of {@code devices}: a disabled device's requests are dropped
     * unanswered, a re-keyed device's previous key is accepted until its overlap ends.
     *
     * @param cluster this node's membership; null means a standalone node
     */
    public static RequestHandler withDevices(ServerSettings settings, DeviceService devices,
                                             AddressPoolAdminService pools, Clock clock, Counters counters,
                                             Duration answerTtl, int answerCapacity, Cluster cluster) {
        Objects.requireNonNull(devices, "devices");
        return new RequestHandler(settings, devices::device, pools, clock, counters, answerTtl, answerCapacity, cluster);
    }

    private RequestHandler(ServerSettings settings, RequestAuthenticator.Devices devices,
                           AddressPoolAdminService pools, Clock clock, Counters counters,
                           Duration answerTtl, int answerCapacity, Cluster cluster) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(pools, "pools");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.answers = new AnswerCache(answerTtl, answerCapacity, counters);
        this.resyncs = new ResyncNaks();
        this.authenticator = new RequestAuthenticator(devices, clock, counters);
        this.view = new ClusterView(cluster, settings, clock);
        ParamsBuilder params = new ParamsBuilder(settings, pools, clock, view, dataPlane);
        this.dispatch = RequestDispatch.serverRequests(
                new RequestContext(settings, pools, clock, counters, view, dataPlane, params));
        this.enrol = new EnrolPath(counters, clock, System::nanoTime);
    }

    /** The rate limits of ENROL requests (fresh buckets). Call before the first request. */
    public void enrolLimits(EnrolSettings limits) {
        enrol.limits(limits);
    }

    /**
     * Turns zero-touch enrolment on: ENROL requests are decided against the enrolment keys of
     * {@code keys} and self-enrolled devices written through {@code devices}; deferred ({@code
     * TRY_LATER}) while this node is degraded or draining. With {@code keys} null it is off: ENROLs
     * are dropped ({@code dropped.enrol-off}).
     */
    public void enrolment(EnrolmentKeyStore keys, EnrolledDevices devices) {
        if (keys == null) {
            enrol.decision(null);
            return;
        }
        enrol.decision(new EnrolDecision(new EnrolmentKeyCache(keys, clock), Objects.requireNonNull(devices, "devices"),
                clock, () -> !view.degraded() && !view.draining()));
    }

    /**
     * Told of each device an ENROL granted a key to, before its reply goes (the node puts the
     * device in its screen's priority lane); never of a refused one.
     */
    public void onEnrolGrant(Consumer<DeviceId> granted) {
        enrol.onGrant(granted);
    }

    /** Whether ENROL requests are answered. */
    public boolean enrolmentEnabled() {
        return enrol.enabled();
    }

    /**
     * Turns on the data plane: version 2 requests get their tunnel key (and with a WireGuard key,
     * WireGuard), and the device's data path is reported to {@code events}. Call before the first
     * request.
     *
     * @param events             where this node's lease events go
     * @param wireGuardPublicKey this node's WireGuard public key (base64), empty if it offers none
     * @throws IllegalArgumentException if the key is neither empty nor a WireGuard key
     */
    public void enableDataPlane(DataPathEvents events, String wireGuardPublicKey) {
        dataPlane.enable(events, wireGuardPublicKey);
    }

    /** The data-path memory of this node, if the data plane is on. */
    public Optional<DataPathEvents> dataPaths() {
        return dataPlane.events();
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

    /** Answers kept for copies of their requests (tests). */
    int cachedAnswers() {
        return answers.size();
    }

    /** Replies kept for copies of their ENROL (tests). */
    int cachedEnrolReplies() {
        return enrol.cachedReplies();
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
            counters.increment("dropped." + e.kind().name().toLowerCase(Locale.ROOT));
            return NO_ANSWER;
        }
        if (header.type() == MessageType.ENROL) {
            return enrol.handle(datagram, source);
        }
        Optional<RequestAuthenticator.Authentic> authentic = authenticator.open(header, datagram, source);
        if (authentic.isEmpty()) {
            return NO_ANSWER;
        }
        Envelope request = authentic.get().request();
        if (!dispatch.serves(request.type())) {
            counters.increment("dropped.unexpected-type");
            LOG.debug("dropped {} from device={}: not a request", request.type(), request.device());
            return NO_ANSWER;
        }
        long now = clock.millis();
        long[] replayMark = new long[1];
        Optional<AnswerCache.Claim> claim = authenticator.admit(request, source,
                isNew -> answers.claim(request.device(), request.transactionId(), request.sequence(), isNew, now),
                highest -> {
                    replayMark[0] = highest;
                    return resyncs.mayAnswer(request, now) ? RESYNC : null;
                });
        if (claim.isEmpty()) {
            return NO_ANSWER;   // a replay (dropped.replay)
        }
        if (claim.get() == RESYNC) {   // a replay, answered with the window's mark
            return CompletableFuture.completedFuture(Optional.of(encode(request, ResyncNaks.nak(replayMark[0]),
                    authentic.get().key())));
        }
        if (claim.get().copyOf() != null) {
            return answers.answerAgain(claim.get().copyOf());
        }
        AnswerCache.Entry mine = claim.get().mine();
        if (mine == null) {
            return NO_ANSWER;   // a duplicate whose answer is gone
        }
        answers.track(mine);
        byte[] key = authentic.get().key();
        return dispatch.answer(request).thenApply(body -> answerOnce(mine, request, body, key));
    }

    private Optional<byte[]> answerOnce(AnswerCache.Entry mine, Envelope request, Message body, byte[] deviceKey) {
        Optional<byte[]> answer = Optional.empty();
        boolean retryable = false;
        try {
            // A stale-sequence refusal is retryable: the device's resent request (same transaction,
            // a number above the mark) is processed afresh.
            retryable = AnswerCache.isTransient(body) || ResyncNaks.isResync(body);
            if (!ResyncNaks.isResync(body) || resyncs.mayAnswer(request, clock.millis())) {
                answer = Optional.of(encode(request, body, deviceKey));
            } else {
                counters.increment("dropped.replay");
            }
        } catch (RuntimeException e) {
            // encode of our own answer failed: a bug, never the device's fault
            LOG.error("cannot answer {} from device={}", request.type(), request.device(), e);
            answer = encodeInternalNak(request, deviceKey);
            retryable = true;
        } finally {
            answers.complete(mine, answer, retryable);
        }
        return answer;
    }

    private byte[] encode(Envelope request, Message body, byte[] deviceKey) {
        byte[] out = Codec.encode(new Envelope(Direction.TO_DEVICE, request.device(), request.transactionId(),
                sequences.next(), body, request.version()), deviceKey);
        counters.increment("answered." + body.type().name().toLowerCase(Locale.ROOT));
        if (body instanceof Nak nak) {
            counters.increment(NAK_PREFIX + nak.reason().label());
        }
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
}
