package net.dtm.server.internal;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceId;
import net.dtm.protocol.EnrolCodec;
import net.dtm.protocol.EnrolReply;
import net.dtm.protocol.EnrolRequest;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.ReceivedEnrol;
import net.dtm.protocol.SequenceSource;
import net.dtm.server.internal.EnrolOutcome.Result;

/**
 * The request path of ENROL datagrams, which no device key protects: off until an
 * {@link EnrolDecision} is set (then dropped, {@code dropped.enrol-off}, said once in the log);
 * structure decoded ({@code dropped.<kind>}); a copy of an ENROL in work or answered waits for
 * that answer without taking a token; else the {@link EnrolLimits} per source and per key id
 * before any signature check or store read ({@code dropped.enrol-rate}), and a datagram they drop
 * leaves nothing in the reply cache (both in one step of the {@link AnswerCache}, so of copies
 * arriving at once on several workers one is worked on and charged, the others wait); then copies
 * of one datagram (sent over every link, retransmitted) share one decision and get the very same reply
 * bytes, through an {@link AnswerCache} keyed by the whole datagram (so a forged datagram copying
 * a real one's header is not taken for a copy of it); a deferred decision ({@code TRY_LATER}) is
 * made afresh on the next copy. A grant is told to {@link #onGrant} (the node gives that device's
 * requests priority). The decision is counted ({@link EnrolOutcome#counter()}),
 * audited ({@link EnrolAudit}) and answered with an ENROL_REPLY sealed to the router's key, a grant under
 * a key the router holds ({@link EnrolOutcome#grantKey()}).
 */
final class EnrolPath {

    private static final Logger LOG = LoggerFactory.getLogger(EnrolPath.class);
    private static final CompletableFuture<Optional<byte[]>> NO_ANSWER = CompletableFuture.completedFuture(Optional.empty());

    /** How long replies are kept for copies of their ENROL by default. */
    static final Duration REPLY_TTL = Duration.ofSeconds(60);
    /** How many replies are kept at most by default. */
    static final int REPLY_CAPACITY = 16_384;

    /** An ENROL known by its whole datagram. */
    private record Copy(ByteBuffer datagram) {
    }

    private final Counters counters;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final EnrolAudit audit;
    private final AnswerCache replies;
    private final ThrottledWarning storeFailures;
    private final SequenceSource sequences = new SequenceSource();
    private final AtomicBoolean offSaid = new AtomicBoolean();
    private volatile EnrolLimits limits;
    private volatile EnrolDecision decision;
    private volatile Consumer<DeviceId> granted = device -> { };

    EnrolPath(Counters counters, Clock clock, LongSupplier nanoTime) {
        this(counters, clock, nanoTime, new EnrolAudit(clock), REPLY_TTL, REPLY_CAPACITY);
    }

    EnrolPath(Counters counters, Clock clock, LongSupplier nanoTime, EnrolAudit audit, Duration replyTtl,
              int replyCapacity) {
        this.counters = Objects.requireNonNull(counters, "counters");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.replies = new AnswerCache(replyTtl, replyCapacity, counters);
        this.storeFailures = new ThrottledWarning(clock, Duration.ofMinutes(1), LOG::warn);
        this.limits = new EnrolLimits(EnrolSettings.DEFAULTS, nanoTime);
    }

    /** New rate limits (fresh buckets). */
    void limits(EnrolSettings settings) {
        this.limits = new EnrolLimits(settings, nanoTime);
    }

    /** Turns enrolment on with {@code decision}, or off with null. */
    void decision(EnrolDecision decision) {
        this.decision = decision;
        if (decision != null) {
            offSaid.set(false);
        }
    }

    /**
     * Told of each device granted a key (granted, again, replaced, fetched) before its reply goes,
     * e.g. to give its next requests (ESTABLISH) priority over the ENROLs of other routers; never
     * of a refused or deferred one.
     */
    void onGrant(Consumer<DeviceId> granted) {
        this.granted = Objects.requireNonNull(granted, "granted");
    }

    /** Whether ENROLs are answered. */
    boolean enabled() {
        return decision != null;
    }

    /** Handles one received copy of an ENROL; like {@link RequestHandler#handleAsync}. */
    CompletableFuture<Optional<byte[]>> handle(byte[] datagram, InetSocketAddress source) {
        EnrolDecision d = decision;
        if (d == null) {
            counters.increment("dropped.enrol-off");
            if (offSaid.compareAndSet(false, true)) {
                LOG.warn("ENROL from {} dropped: this node has no enrolment key store, so routers cannot enrol "
                        + "themselves here (dropped.enrol-off counts them; said once)", source);
            }
            return NO_ANSWER;
        }
        ReceivedEnrol received;
        try {
            received = EnrolCodec.decodeRequest(datagram);
        } catch (ProtocolException e) {
            counters.increment("dropped." + e.kind().name().toLowerCase(Locale.ROOT));
            LOG.debug("dropped ENROL from {}: {}", source, e.getMessage());
            return NO_ANSWER;
        }
        EnrolRequest request = received.request();
        Copy copy = new Copy(ByteBuffer.wrap(datagram.clone()));
        long now = clock.millis();
        // a copy of an ENROL in work or answered costs no decision: it takes no token either; of
        // copies arriving together (one per link), one passes the limits and the others are its copies
        EnrolLimits l = limits;
        AnswerCache.Claim claim = replies.claimOrCopy(copy, request.sequence(), now,
                () -> admitted(l, request, source));
        if (claim.copyOf() != null) {
            return replies.answerAgain(claim.copyOf());
        }
        if (claim.mine() == null) {
            return NO_ANSWER;   // answered often enough (dropped.answer-limit) or over the limits (dropped.enrol-rate)
        }
        replies.track(claim.mine());
        return CompletableFuture.completedFuture(answerOnce(claim.mine(), d, received, source));
    }

    /** Whether the limits let {@code request} be worked on; if not, nothing is kept of it: garbage cannot evict real replies. */
    private boolean admitted(EnrolLimits l, EnrolRequest request, InetSocketAddress source) {
        if (l.admit(source.getAddress(), request.keyId(), request.device())) {
            return true;
        }
        counters.increment("dropped.enrol-rate");
        return false;
    }

    private Optional<byte[]> answerOnce(AnswerCache.Entry mine, EnrolDecision d, ReceivedEnrol received,
                                        InetSocketAddress source) {
        EnrolRequest request = received.request();
        Optional<byte[]> answer = Optional.empty();
        boolean retryable = true;
        try {
            EnrolOutcome outcome = decide(d, received, source);
            counters.increment(outcome.counter());
            audit.record(outcome, request.device(), request.keyId(), request.routerKey(), source);
            if (outcome.grants()) {
                granted.accept(request.device());
            }
            answer = Optional.of(EnrolCodec.encodeReply(request, sequences.next(), reply(outcome), outcome.grantKey()));
            counters.increment("answered.enrol_reply");
            retryable = outcome.result() == Result.TRY_LATER;
        } catch (RuntimeException e) {
            LOG.error("cannot answer ENROL of device={} from {}", request.device(), source, e);
        } finally {
            replies.complete(mine, answer, retryable);
        }
        return answer;
    }

    private EnrolOutcome decide(EnrolDecision d, ReceivedEnrol received, InetSocketAddress source) {
        try {
            return d.decide(received.request(), received::signatureVerifies);
        } catch (RuntimeException e) {
            // the stores cannot be read or written: nothing was decided, the router tries again
            if (!storeFailures.occurred("ENROL(s) deferred (TRY_LATER) since the last warning: the store failed "
                    + "(latest: device=" + received.request().device() + " from " + source + "): " + e)) {
                LOG.debug("ENROL of device={} deferred: {}", received.request().device(), e.toString());
            }
            return EnrolOutcome.tryLater("store-unavailable");
        }
    }

    private static EnrolReply reply(EnrolOutcome outcome) {
        return switch (outcome.result()) {
            case GRANTED, AGAIN, REPLACED, FETCHED ->
                    EnrolReply.granted(outcome.credential().key(), outcome.pool(), outcome.keyUsedUp());
            case REFUSED -> EnrolReply.refused();
            case TRY_LATER -> EnrolReply.tryLater();
        };
    }

    /** Replies kept now (tests). */
    int cachedReplies() {
        return replies.size();
    }
}
