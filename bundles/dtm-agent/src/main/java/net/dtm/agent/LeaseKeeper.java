package net.dtm.agent;

import static net.dtm.agent.AgentLog.LOG;
import static net.dtm.agent.AgentLog.describe;
import static net.dtm.agent.AgentLog.hostPort;
import static net.dtm.agent.AgentLog.unwrap;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import net.dtm.api.DtmException.Reason;
import net.dtm.api.OuterPath;
import net.dtm.api.TunnelEvent;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelStatus.State;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Confirm;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Message;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Params;
import net.dtm.protocol.Release;
import net.dtm.protocol.Renew;
import net.dtm.protocol.Transactions;
import net.dtm.transport.Reply;

/**
 * Keeps the device's lease ("fastest service first"): asks every known server over every link at
 * once, takes the first valid PARAMS, confirms to that server, renews at half the lease time, and
 * starts over when the lease is lost; on request releases it first, or leaves it to move to another
 * server. Every step runs on the agent's scheduler and belongs to one cycle of {@link AgentState}.
 */
final class LeaseKeeper {

    private final AgentSettings settings;
    private final AgentState state;
    private final AgentExchange exchange;
    private final TunnelListeners listeners;
    private final LinkView links;
    private final PathUpdates paths;
    private final AgentScheduler scheduler;
    private volatile String wireGuardPublicKey = "";
    private volatile Establishments establishments = new Establishments();
    /** Whether the hint about servers without wire version 2 was logged. */
    private volatile boolean silenceHinted;

    LeaseKeeper(AgentSettings settings, AgentState state, AgentExchange exchange, TunnelListeners listeners,
                LinkView links, PathUpdates paths, AgentScheduler scheduler) {
        this.settings = settings;
        this.state = state;
        this.exchange = exchange;
        this.listeners = listeners;
        this.links = links;
        this.paths = paths;
        this.scheduler = scheduler;
    }

    /** This device's WireGuard public key (base64), sent in ESTABLISH; empty for none. */
    void setWireGuardPublicKey(String publicKey) {
        this.wireGuardPublicKey = publicKey;
    }

    /** Where establishments are counted and timed (the component's, kept across agent restarts). */
    void setEstablishments(Establishments establishments) {
        this.establishments = establishments;
    }

    // ---- establishment ----------------------------------------------------------------------

    void establish(int e) {
        long tx = Transactions.newId();
        List<InetSocketAddress> targets;
        Establish body;
        synchronized (state) {
            if (state.stale(e)) {
                return;
            }
            state.enter(State.ESTABLISHING);
            targets = state.servers();
            Optional<OuterPath> path = state.paths().announce(links.candidates(state.farEndpoint()));
            Optional<InetAddress> last = state.leasedAddress();
            body = exchange.wireVersion() >= 2
                    ? new Establish(settings.tunnelType(), settings.pool(), links.linkAddresses(), last, wireGuardPublicKey, path)
                    : new Establish(settings.tunnelType(), settings.pool(), links.linkAddresses(), last);
        }
        publishStatus();
        NakCollector naks = new NakCollector(targets);
        CompletableFuture<Reply<Message>> f = requestParams(e, tx, targets, body, naks, nak -> false);
        f.whenCompleteAsync((r, err) -> {
            if (err == null && r.value() instanceof Params p) {
                established(e, r, p);
            } else {
                Nak nak = err == null ? (Nak) r.value() : naks.any();
                failed(e, "establishment", nak, err);
            }
        }, scheduler.executor());
    }

    private void established(int e, Reply<Message> reply, Params p) {
        double ms = reply.elapsedNanos() / 1_000_000.0;
        TunnelEvent event;
        synchronized (state) {
            if (state.stale(e)) {
                return;
            }
            event = state.established(p, reply.server(), ms);
        }
        establishments.established(reply.elapsedNanos());
        LOG.info(AgentLog.establishedLine(settings.device(), p.parameters().innerAddress(), reply.server(), ms));
        publishStatus();
        listeners.publish(event);
        confirm(e, Transactions.newId());
        scheduleRenew(e, p.parameters().leaseSeconds());
    }

    /**
     * Asks the server that sent the PARAMS to bind the lease, as transaction {@code tx}. An attempt
     * that got no answer is asked again under the same transaction after a pause that doubles each
     * time (jittered, as every retry): under overload a server's ACK can come after the attempt that
     * asked ended, and the next attempt accepts it, while the server answers the repeat from its
     * answer cache without binding again. New transactions and a fixed short pause made a fleet
     * coming back to a loaded cluster ask again and again for answers it then threw away as late
     * (issue 17: 4.19 M of 4.24 M CONFIRM attempts timed out while the nodes sent 852,084 ACKs).
     * A refusal (a NAK), or any other failure, is asked again under a new transaction.
     */
    private void confirm(int e, long tx) {
        InetSocketAddress target;
        Confirm body;
        synchronized (state) {
            Params params = state.params();
            if (state.stale(e) || state.confirmed() || params == null) {
                return;
            }
            target = state.server();
            body = new Confirm(params.pool(), params.parameters().innerAddress(), params.leaseSequence());
        }
        CompletableFuture<Reply<Message>> f = exchange.request(tx, List.of(target), body, exchange.ackOrNak(tx),
                settings.confirmTimeout());
        f.whenCompleteAsync((r, err) -> {
            synchronized (state) {
                if (state.stale(e)) {
                    return;
                }
                if (err == null && r.value() instanceof Ack) {
                    state.confirm();
                    LOG.debug("tunnel confirmed: device={} server={}", settings.device(), hostPort(target));
                    // the link changed while ESTABLISH was on its way: the server builds its end on
                    // the path ESTABLISH named, so tell it where the tunnel really is
                    Optional<OuterPath> moved = state.paths().unannounced();
                    if (moved.isPresent()) {
                        OuterPath now = moved.get();
                        scheduler.executor().execute(() -> paths.send(now));
                    }
                    return;
                }
            }
            if (err == null && r.value() instanceof Nak nak && nak.reason() == Reason.UNKNOWN_LEASE) {
                LOG.warn("tunnel confirm refused, establishing again: device={} server={} reason={} text={}",
                        settings.device(), hostPort(target), nak.reason().label(), nak.text());
                int next;
                synchronized (state) {
                    if (state.stale(e)) {
                        return;
                    }
                    next = state.newCycle();
                }
                establish(next);
                return;
            }
            String why = err != null ? describe(err) : "nak " + ((Nak) r.value()).reason().label();
            Duration delay = state.nextRetryDelay();
            long again = err != null && unwrap(err) instanceof TimeoutException ? tx : Transactions.newId();
            LOG.warn("tunnel confirm failed, retrying in {} ms: device={} server={} reason={}", delay.toMillis(),
                    settings.device(), hostPort(target), why);
            schedule(e, () -> confirm(e, again), delay);
        }, scheduler.executor());
    }

    private void failed(int e, String what, Nak nak, Throwable err) {
        Duration delay;
        synchronized (state) {
            if (state.stale(e)) {
                return;
            }
            state.recordFailure(nak, err, what);
            delay = state.nextRetryDelay();
        }
        establishments.failed();
        countAnswer(nak, err);
        LOG.warn("tunnel {} failed: device={} reason={} retry in {} ms", what, settings.device(),
                nak != null ? "nak " + nak.reason().label() + " " + nak.text() : describe(err), delay.toMillis());
        // A server older than the wire version spoken drops its datagrams without a word: say what to try, once.
        if (nak == null && exchange.wireVersion() >= 2 && state.establishments() == 0 && !silenceHinted) {
            silenceHinted = true;
            LOG.warn("no server answered device={}: if the servers run a DTM release without wire version {}, set"
                    + " wire.version = {} in etc/net.dtm.agent.cfg (2 without the sequence resync, 1 without the data"
                    + " plane); otherwise check the key and the links", settings.device(), exchange.wireVersion(),
                    exchange.wireVersion() - 1);
        }
        schedule(e, () -> establish(e), delay);
    }

    // ---- renewal ----------------------------------------------------------------------------

    private void scheduleRenew(int e, int leaseSeconds) {
        schedule(e, () -> renew(e), Duration.ofMillis(Math.max(1, leaseSeconds * 500L)));
    }

    private void renew(int e) {
        long tx = Transactions.newId();
        List<InetSocketAddress> targets;
        Renew body;
        synchronized (state) {
            Params params = state.params();
            if (state.stale(e) || params == null) {
                return;
            }
            state.enter(State.RENEWING);
            targets = state.servers();
            TunnelParameters tunnel = state.tunnel();
            body = exchange.wireVersion() >= 2
                    ? new Renew(params.pool(), params.parameters().innerAddress(), params.leaseSequence(),
                            tunnel == null ? "" : tunnel.serverNodeId(), state.path())
                    : new Renew(params.pool(), params.parameters().innerAddress(), params.leaseSequence());
        }
        publishStatus();
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
            countAnswer(nak, err);
            if (nak != null && nak.reason() == Reason.UNKNOWN_LEASE) {
                LOG.warn("tunnel lease lost, establishing again: device={} reason={} text={}", settings.device(),
                        nak.reason().label(), nak.text());
                restart(e);
                return;
            }
            boolean expired;
            synchronized (state) {
                if (state.stale(e)) {
                    return;
                }
                expired = state.leaseOverWithin(state.currentRetryDelay());
            }
            if (expired) {
                LOG.warn("tunnel lease expired without renewal, establishing again: device={} reason={}",
                        settings.device(), nak != null ? "nak " + nak.reason().label() : describe(err));
                restart(e);
            } else {
                state.recordFailure(nak, err, "renewal");
                LOG.warn("tunnel renewal failed, retrying: device={} reason={}", settings.device(),
                        nak != null ? "nak " + nak.reason().label() + " " + nak.text() : describe(err));
                schedule(e, () -> renew(e), state.nextRetryDelay());
            }
        }, scheduler.executor());
    }

    private void renewed(int e, Reply<Message> reply, Params p) {
        TunnelEvent changed;
        synchronized (state) {
            if (state.stale(e)) {
                return;
            }
            changed = state.renewed(p);
        }
        LOG.info("tunnel renewed: device={} address={} server={} lease={} s", settings.device(),
                p.parameters().innerAddress().getHostAddress(), hostPort(reply.server()), p.parameters().leaseSeconds());
        publishStatus();
        if (changed != null) {
            LOG.info("tunnel parameters changed: device={} address={} server={}", settings.device(),
                    p.parameters().innerAddress().getHostAddress(), hostPort(reply.server()));
            listeners.publish(changed);
        }
        scheduleRenew(e, p.parameters().leaseSeconds());
    }

    private void restart(int e) {
        int next;
        TunnelEvent lost;
        synchronized (state) {
            if (state.stale(e)) {
                return;
            }
            next = state.newCycle();
            state.enter(State.ESTABLISHING);
            lost = state.dropTunnel(TunnelEvent.Type.LOST);
        }
        if (lost != null) {
            listeners.publish(lost);
        }
        establish(next);
    }

    // ---- on request -------------------------------------------------------------------------

    /** Releases the lease held (waiting for the answer), then establishes anew. */
    void reestablish() {
        int e;
        Params old;
        InetSocketAddress oldServer;
        synchronized (state) {
            if (state.closed()) {
                return;
            }
            e = state.startAgain();
            old = state.params();
            oldServer = state.server();
        }
        LOG.info("tunnel re-establishment requested: device={}", settings.device());
        TunnelEvent released = state.dropTunnel(TunnelEvent.Type.RELEASED);
        if (released != null) {
            scheduler.run(() -> listeners.publish(released));
        }
        if (old == null || oldServer == null) {
            scheduler.run(() -> establish(e));
            return;
        }
        // Release first and wait for its answer: a RELEASE overtaking the new ESTABLISH would free
        // the very lease the new establishment gets (leases are sticky per device).
        scheduler.run(() -> {
            long tx = Transactions.newId();
            Release body = new Release(old.pool(), old.parameters().innerAddress(), old.leaseSequence());
            CompletableFuture<Reply<Message>> f = exchange.request(tx, List.of(oldServer), body, exchange.ackOrNak(tx),
                    settings.confirmTimeout());
            state.track(e, f);
            f.whenCompleteAsync((r, err) -> {
                if (err == null && r.value() instanceof Nak nak) {
                    LOG.warn("tunnel release refused: device={} server={} reason={} text={}", settings.device(),
                            hostPort(oldServer), nak.reason().label(), nak.text());
                } else if (err != null && !(unwrap(err) instanceof CancellationException)) {
                    LOG.warn("tunnel release unanswered: device={} server={} error={}", settings.device(),
                            hostPort(oldServer), unwrap(err).getMessage());
                }
                establish(e);
            }, scheduler.executor());
        });
    }

    /** Establishes anew, keeping the lease, so that whichever server answers first takes the tunnel. */
    void rehome() {
        int e;
        synchronized (state) {
            if (state.closed() || !state.started()) {
                return;
            }
            e = state.newCycle();
        }
        TunnelParameters tunnel = state.tunnel();
        LOG.info("tunnel re-homing: device={} leaving server {}", settings.device(),
                tunnel == null ? "none" : tunnel.serverNodeId());
        scheduler.run(() -> establish(e));
    }

    // ---- helpers ----------------------------------------------------------------------------

    private CompletableFuture<Reply<Message>> requestParams(int e, long tx, List<InetSocketAddress> targets,
                                                            Message body, NakCollector naks, Predicate<Nak> decisive) {
        CompletableFuture<Reply<Message>> f = exchange.requestParams(tx, targets, body, naks, decisive,
                settings.attemptTimeout());
        state.track(e, f);
        return f;
    }

    private void schedule(int e, Runnable task, Duration delay) {
        synchronized (state) {
            if (state.stale(e)) {
                return;
            }
            ScheduledFuture<?> f = scheduler.schedule(task, delay);
            if (f != null) {
                state.timer(f);
            }
        }
    }

    /**
     * Counts an attempt without PARAMS: a NAK ends a row of unanswered attempts, a timeout with no
     * authentic answer at all lengthens it and tells the silence listeners (a re-keyed device hears
     * nothing it can open). A cancelled attempt counts for nothing.
     */
    private void countAnswer(Nak nak, Throwable err) {
        if (nak == null && !(unwrap(err) instanceof TimeoutException)) {
            return;
        }
        int inARow = state.countUnanswered(nak == null);
        if (nak == null) {
            listeners.publishSilence(inARow);
        }
    }

    private void publishStatus() {
        listeners.publish(state.status());
    }
}
