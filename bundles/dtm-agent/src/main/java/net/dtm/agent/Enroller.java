package net.dtm.agent;

import static net.dtm.agent.AgentLog.LOG;
import static net.dtm.agent.AgentLog.describe;
import static net.dtm.agent.AgentLog.hostPort;
import static net.dtm.agent.AgentLog.unwrap;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import net.dtm.api.DeviceId;
import net.dtm.protocol.EnrolCodec;
import net.dtm.protocol.EnrolReply;
import net.dtm.protocol.EnrolRequest;
import net.dtm.protocol.EnrolmentToken;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.RouterKeyPair;
import net.dtm.protocol.SequenceSource;
import net.dtm.protocol.Transactions;
import net.dtm.transport.MultiLinkTransport;
import net.dtm.transport.Reply;

/**
 * This router's enrolment exchange: an ENROL (signed with the enrolment token, or a key fetch
 * without one) over every link to every server at once, like ESTABLISH; the first GRANTED wins. A
 * reply is sealed to this router's key, so no one else can read the credential in it. A grant counts
 * only if it is sealed under a key this router holds (the token's reply key, or for a key fetch the
 * device key in use), so no one on the path who saw the ENROL can hand it a key of their own; a
 * forged grant is dropped like a damaged datagram. Refusals are not authenticated, so a refusal is
 * believed only as far as to retry slowly. Thread-safe.
 */
final class Enroller {

    /** How one attempt ended. */
    enum Result { GRANTED, REFUSED, TRY_LATER, UNANSWERED }

    /**
     * One attempt's outcome.
     *
     * @param result  how it ended
     * @param reply   the GRANTED reply (null otherwise)
     * @param server  the server that answered (null if none did)
     * @param millis  time from the first send to the answer
     */
    record Outcome(Result result, EnrolReply reply, InetSocketAddress server, double millis) {
    }

    /**
     * Pauses between attempts.
     *
     * @param attempt     how long one attempt waits for an answer
     * @param retryMin    first pause after an unanswered or deferred attempt (doubles per failure)
     * @param retryMax    longest such pause
     * @param refusedWait pause after a refusal
     */
    record Timing(Duration attempt, Duration retryMin, Duration retryMax, Duration refusedWait) {
        /** 5 s attempts, retries from 0.5 s to 30 s, 60 s after a refusal. */
        static Timing defaults() {
            return new Timing(Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(60));
        }
    }

    private final DeviceId device;
    private final RouterKeyPair router;
    private final MultiLinkTransport transport;
    private final AgentScheduler scheduler;
    private final Timing timing;
    private final SequenceSource sequence = new SequenceSource();

    Enroller(DeviceId device, RouterKeyPair router, MultiLinkTransport transport, AgentScheduler scheduler, Timing timing) {
        this.device = Objects.requireNonNull(device, "device");
        this.router = Objects.requireNonNull(router, "router");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.timing = Objects.requireNonNull(timing, "timing");
    }

    /**
     * Enrols until a server grants a credential: retries unanswered and deferred attempts with
     * backoff, refused ones slowly, logging the progress. Cancel the future to stop.
     *
     * @param servers the servers to ask, read afresh for each attempt
     * @param token   the enrolment token
     * @return completes with the GRANTED outcome
     */
    CompletableFuture<Outcome> enrol(Supplier<List<InetSocketAddress>> servers, EnrolmentToken token) {
        Objects.requireNonNull(token, "token");
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        LOG.info("enrolling: device={} {} servers={} links={}", device, what(token), servers.get(),
                transport.links().stream().map(l -> l.id()).toList());
        new Retries(done, servers, token).next();
        return done;
    }

    /** The attempts of one {@link #enrol}, each started on the agent's thread. */
    private final class Retries {
        private final CompletableFuture<Outcome> done;
        private final Supplier<List<InetSocketAddress>> servers;
        private final EnrolmentToken token;
        private final RetryBackoff backoff = new RetryBackoff(timing.retryMin(), timing.retryMax());
        private int attempts;
        private int refusals;
        private volatile CompletableFuture<Outcome> current;

        Retries(CompletableFuture<Outcome> done, Supplier<List<InetSocketAddress>> servers, EnrolmentToken token) {
            this.done = done;
            this.servers = servers;
            this.token = token;
            done.whenComplete((r, e) -> {
                CompletableFuture<Outcome> c = current;
                if (c != null) {
                    c.cancel(false);
                }
            });
        }

        void next() {
            if (done.isDone()) {
                return;
            }
            attempts++;
            CompletableFuture<Outcome> f = attempt(servers.get(), token, null);
            current = f;
            if (done.isDone()) {
                f.cancel(false);
            }
            f.whenCompleteAsync((o, err) -> {
                if (done.isDone()) {
                    return;
                }
                if (err != null) {
                    LOG.warn("enrolment attempt failed: device={} error={}", device, describe(err));
                    retry(backoff.next());
                    return;
                }
                switch (o.result()) {
                    case GRANTED -> done.complete(o);
                    case REFUSED -> refused(o);
                    case TRY_LATER -> {
                        Duration d = backoff.next();
                        LOG.info("enrolment deferred by server {} (busy, draining or its store unavailable): device={}"
                                + " retry in {} ms", hostPort(o.server()), device, d.toMillis());
                        retry(d);
                    }
                    case UNANSWERED -> {
                        Duration d = backoff.next();
                        LOG.warn("enrolment unanswered: device={} attempt {} retry in {} ms{}", device, attempts,
                                d.toMillis(), attempts == 1 ? " (no server answered within " + timing.attempt().toMillis()
                                        + " ms: check the servers and the links; servers of a DTM release without"
                                        + " enrolment (wire version 4) do not answer)" : "");
                        retry(d);
                    }
                    default -> throw new IllegalStateException(o.result().name());
                }
            }, scheduler.executor());
        }

        private void refused(Outcome o) {
            refusals++;
            backoff.reset();
            Duration d = timing.refusedWait();
            if (refusals == 1 || refusals % 10 == 0) {
                LOG.error("enrolment refused by server {}: device={} {} (refusal {}). Likely causes: the enrolment key is"
                        + " unknown, revoked, expired or used up, or does not cover this device id; the device exists"
                        + " already (enrolled by an operator or another router) and is not allowed to re-enrol"
                        + " (device:allow-reenrol); the device is disabled. Retrying every {} s (a refusal is not"
                        + " authenticated)", hostPort(o.server()), device, what(token), refusals, d.toSeconds());
            } else {
                LOG.warn("enrolment refused again: device={} refusal {} retry in {} s", device, refusals, d.toSeconds());
            }
            retry(d);
        }

        private void retry(Duration delay) {
            if (scheduler.schedule(this::next, delay) == null) {
                done.cancel(false);
            }
        }
    }

    /**
     * One ENROL to {@code servers} over every link: completes with GRANTED at the first grant; with
     * REFUSED or TRY_LATER once every server answered without a grant (REFUSED if any refused), or
     * when the attempt time is over and some did; UNANSWERED if none did. Cancelling it stops it.
     *
     * @param token   the enrolment token, or null for a key fetch
     * @param heldKey for a key fetch, the device key this router holds (a grant is sealed under it); null with a token
     */
    CompletableFuture<Outcome> attempt(List<InetSocketAddress> servers, EnrolmentToken token, byte[] heldKey) {
        long tx = Transactions.newId();
        byte[] datagram;
        EnrolRequest sent;
        byte[] grantKey;
        try {
            grantKey = token != null ? token.replyKey() : Objects.requireNonNull(heldKey, "heldKey").clone();
            datagram = EnrolCodec.encodeRequest(device, tx, sequence.next(), router, token);
            sent = EnrolCodec.decodeRequest(datagram).request();
        } catch (ProtocolException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Answers answers = new Answers(servers);
        CompletableFuture<Reply<EnrolReply>> f;
        try {
            f = transport.request(tx, servers, datagram, (d, from) -> {
                EnrolReply r;
                try {
                    r = EnrolCodec.decodeReply(d, sent, router, grantKey);
                } catch (ProtocolException ex) {
                    LOG.debug("agent dropped enrolment reply: device={} from={} kind={}", device, from, ex.kind());
                    return null;
                }
                return answers.record(r, from);
            }, timing.attempt());
        } catch (RuntimeException e) { // the transport closed, no server to ask
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Outcome> out = f.handle((r, err) -> {
            if (err == null) {
                EnrolReply reply = r.value();
                Result res = switch (reply.status()) {
                    case GRANTED -> Result.GRANTED;
                    case REFUSED -> Result.REFUSED;
                    case TRY_LATER -> Result.TRY_LATER;
                };
                return new Outcome(res, res == Result.GRANTED ? reply : null, r.server(), r.elapsedMillis());
            }
            if (unwrap(err) instanceof TimeoutException) {
                return answers.outcome();
            }
            throw new java.util.concurrent.CompletionException(unwrap(err));
        });
        out.whenComplete((o, e) -> f.cancel(false));
        return out;
    }

    /** The answers to one attempt: a grant is final at once, the rest once every server said no. */
    private static final class Answers {
        private final Set<InetSocketAddress> waiting;
        private InetSocketAddress refusedBy;
        private InetSocketAddress deferredBy;

        Answers(List<InetSocketAddress> servers) {
            waiting = new HashSet<>(servers);
        }

        /** @return the final answer, or null to wait for more */
        synchronized EnrolReply record(EnrolReply r, InetSocketAddress from) {
            switch (r.status()) {
                case GRANTED:
                    return r;
                case REFUSED:
                    refusedBy = from;
                    break;
                default:
                    deferredBy = from;
                    break;
            }
            waiting.remove(from);
            if (!waiting.isEmpty()) {
                return null;
            }
            return refusedBy != null ? EnrolReply.refused() : r;
        }

        /** What the answers, if any, came to when the time was over. */
        synchronized Outcome outcome() {
            if (refusedBy != null) {
                return new Outcome(Result.REFUSED, null, refusedBy, 0);
            }
            if (deferredBy != null) {
                return new Outcome(Result.TRY_LATER, null, deferredBy, 0);
            }
            return new Outcome(Result.UNANSWERED, null, null, 0);
        }
    }

    /** What is sent, for log lines: the key id, never the token. */
    static String what(EnrolmentToken token) {
        return token == null ? "key fetch" : "enrolment key " + token.id();
    }
}
