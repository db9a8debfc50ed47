package net.dtm.agent;

import static net.dtm.agent.AgentLog.LOG;
import static net.dtm.agent.AgentLog.describe;
import static net.dtm.agent.AgentLog.hostPort;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

import net.dtm.api.OuterPath;
import net.dtm.api.TunnelEvent;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Message;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Params;
import net.dtm.protocol.PathUpdate;
import net.dtm.protocol.Transactions;
import net.dtm.transport.Reply;

/**
 * Keeps the tunnel on the best usable link: looks again at every link event and every second (round
 * trips and losses change without an event), moves the tunnel when the choice changes, publishes
 * PATH_MOVED and tells the tunnel's server with a PATH until it acknowledges.
 */
final class PathUpdates {

    private final AgentSettings settings;
    private final AgentState state;
    private final AgentExchange exchange;
    private final TunnelListeners listeners;
    private final LinkView links;
    private final AgentScheduler scheduler;
    /** Runs a review on the agent's thread; registered with the transport for link events. */
    private final Runnable linksChanged;
    /** Guarded by the state's lock. */
    private ScheduledFuture<?> reviewTimer;

    PathUpdates(AgentSettings settings, AgentState state, AgentExchange exchange, TunnelListeners listeners,
                LinkView links, AgentScheduler scheduler) {
        this.settings = settings;
        this.state = state;
        this.exchange = exchange;
        this.listeners = listeners;
        this.links = links;
        this.scheduler = scheduler;
        this.linksChanged = () -> scheduler.run(this::review);
    }

    /** The listener for the transport's link events. */
    Runnable linksChanged() {
        return linksChanged;
    }

    /** Reviews the path every second from now on. */
    void startReviewing() {
        synchronized (state) {
            // measured round trips and losses change without a link event: look again every second
            reviewTimer = scheduler.every(this::review, 1);
        }
    }

    /** Stops the reviews of {@link #startReviewing()}. */
    void stopReviewing() {
        synchronized (state) {
            if (reviewTimer != null) {
                reviewTimer.cancel(false);
            }
        }
    }

    /** Moves the tunnel to the best usable link when that changed, and tells the tunnel's server. */
    private void review() {
        OuterPath moved;
        TunnelEvent event;
        synchronized (state) {
            if (state.closed()) {
                return;
            }
            PathState.Move move = state.paths().review(state.now(), links.candidates(state.farEndpoint()));
            if (move == null) {
                return;
            }
            Optional<OuterPath> before = move.before();
            Optional<OuterPath> next = move.next();
            if (state.tunnel() == null || next.isEmpty()) {
                LOG.info("tunnel path: device={} link={} (was {})", settings.device(),
                        next.map(OuterPath::linkId).orElse("none usable"), before.map(OuterPath::linkId).orElse("none"));
                return;
            }
            moved = next.get();
            event = state.event(TunnelEvent.Type.PATH_MOVED, state.tunnel(), state.tunnel());
            LOG.info("tunnel path moved: device={} link={} outer={} (was {})", settings.device(), moved.linkId(),
                    hostPort(moved.localAddress()), before.map(OuterPath::linkId).orElse("none"));
        }
        listeners.publish(event);
        send(moved);
    }

    /**
     * Tells the tunnel's server that the tunnel now rides {@code moved}, until it acknowledges, the
     * path moves again, or the cycle ends. A refusal (another node took the device, the lease is
     * gone) is left to renewal and re-establishment.
     */
    void send(OuterPath moved) {
        Params held;
        InetSocketAddress to;
        int e;
        synchronized (state) {
            e = state.epoch();
            held = state.params();
            to = state.server();
            if (exchange.wireVersion() < 2 || held == null || to == null || state.stale(e)
                    || !state.path().equals(Optional.of(moved))) {
                return;
            }
        }
        long tx = Transactions.newId();
        PathUpdate body = new PathUpdate(held.pool(), held.parameters().innerAddress(), held.leaseSequence(), moved);
        CompletableFuture<Reply<Message>> f = exchange.request(tx, List.of(to), body, exchange.ackOrNak(tx),
                settings.confirmTimeout());
        f.whenCompleteAsync((r, err) -> {
            if (err == null && r.value() instanceof Ack) {
                LOG.debug("tunnel path acknowledged: device={} server={} link={}", settings.device(), hostPort(to), moved.linkId());
                return;
            }
            if (state.stale(e)) {
                return;
            }
            if (err == null && r.value() instanceof Nak nak) {
                LOG.warn("tunnel path refused: device={} server={} link={} reason={} text={}", settings.device(),
                        hostPort(to), moved.linkId(), nak.reason().label(), nak.text());
                return;
            }
            LOG.warn("tunnel path not acknowledged, sending again: device={} server={} link={} reason={}",
                    settings.device(), hostPort(to), moved.linkId(), describe(err));
            scheduler.schedule(() -> {
                if (!state.stale(e)) {
                    send(moved);
                }
            }, state.currentRetryDelay());
        }, scheduler.executor());
    }
}
