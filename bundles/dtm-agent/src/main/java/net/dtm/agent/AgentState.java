package net.dtm.agent;

import static net.dtm.agent.AgentLog.describe;
import static net.dtm.agent.AgentLog.hostPort;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

import net.dtm.api.DeviceId;
import net.dtm.api.OuterPath;
import net.dtm.api.TunnelEvent;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelStatus;
import net.dtm.api.TunnelStatus.State;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Params;

/**
 * What the agent knows of its tunnel (lease, server, parameters, path, the servers to ask, the last
 * failure) and its establishment cycles: each new cycle bumps an epoch, and answers and timers of an
 * older cycle are stale. No I/O.
 *
 * <p>Its monitor is the agent's one lock: every method takes it, and a caller that needs several
 * steps to happen at once (check the cycle, then change the state) holds it around them.
 */
final class AgentState {

    private final DeviceId device;
    private final Clock clock;
    private final PathState paths = new PathState();
    private final RetryBackoff backoff;

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
    private EstablishFailure lastFailure;
    private long establishments;
    /** Attempts in a row (establishments, renewals) that no server answered authentically. */
    private int silentInARow;
    private ScheduledFuture<?> timer;
    private CompletableFuture<?> inFlight;
    /** The data-plane parameters of the tunnel in use: from the ESTABLISH's PARAMS, kept across renewals by other nodes. */
    private TunnelParameters tunnel;

    AgentState(AgentSettings settings, Clock clock) {
        this.device = settings.device();
        this.clock = clock;
        this.servers = settings.servers();
        this.backoff = new RetryBackoff(settings.retryMin(), settings.retryMax());
    }

    // ---- cycles -----------------------------------------------------------------------------

    /** Marks the agent started: the first cycle, or empty if it already was started or is closed. */
    synchronized OptionalInt start() {
        if (started || closed) {
            return OptionalInt.empty();
        }
        started = true;
        return OptionalInt.of(++epoch);
    }

    /** Closes for good: false if it already was. */
    synchronized boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        newCycle();
        state = State.IDLE;
        return true;
    }

    synchronized boolean closed() {
        return closed;
    }

    synchronized boolean started() {
        return started;
    }

    /** Marks the agent started (a re-establishment starts an agent never started) and begins a new cycle. */
    synchronized int startAgain() {
        started = true;
        return newCycle();
    }

    /** Starts a new cycle: cancels the old one's timer and request. */
    synchronized int newCycle() {
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

    /** The current cycle. */
    synchronized int epoch() {
        return epoch;
    }

    /** True if cycle {@code e} is over (or the agent closed). */
    synchronized boolean stale(int e) {
        return closed || e != epoch;
    }

    /** Makes {@code f} the request of cycle {@code e}, or cancels it if that cycle is over. */
    synchronized void track(int e, CompletableFuture<?> f) {
        if (stale(e)) {
            f.cancel(false);
        } else {
            inFlight = f;
        }
    }

    /** Makes {@code f} the current cycle's timer; the caller checked the cycle under this lock. */
    synchronized void timer(ScheduledFuture<?> f) {
        timer = f;
    }

    // ---- the tunnel -------------------------------------------------------------------------

    synchronized TunnelStatus status() {
        return new TunnelStatus(device, state,
                params == null ? Optional.empty() : Optional.of(params.parameters()),
                server == null ? Optional.empty() : Optional.of(hostPort(server)),
                Optional.ofNullable(establishedAt), lastEstablishMs, Optional.ofNullable(expiresAt));
    }

    synchronized void enter(State s) {
        state = s;
    }

    /** The servers to ask (the configured list until a server pushes its own). */
    synchronized List<InetSocketAddress> servers() {
        return servers;
    }

    /** The lease held, or null. */
    synchronized Params params() {
        return params;
    }

    /** The server that gave the lease, or null. */
    synchronized InetSocketAddress server() {
        return server;
    }

    /** The tunnel in use, or null. */
    synchronized TunnelParameters tunnel() {
        return tunnel;
    }

    /** The address last leased, asked for again by the next ESTABLISH. */
    synchronized Optional<InetAddress> leasedAddress() {
        return params == null ? Optional.empty() : Optional.of(params.parameters().innerAddress());
    }

    /** The far end a path must reach: the tunnel's server endpoint, or before a tunnel the first server; null if none. */
    synchronized InetSocketAddress farEndpoint() {
        return tunnel != null ? tunnel.serverEndpoint() : servers.isEmpty() ? null : servers.get(0);
    }

    /** The tunnel's path; guarded by this lock. */
    synchronized PathState paths() {
        return paths;
    }

    synchronized Optional<OuterPath> path() {
        return paths.current();
    }

    synchronized boolean confirmed() {
        return confirmed;
    }

    synchronized void confirm() {
        confirmed = true;
    }

    synchronized long establishments() {
        return establishments;
    }

    synchronized Optional<EstablishFailure> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** Takes the lease {@code p} from {@code from}, obtained in {@code ms}; returns the ESTABLISHED event. */
    synchronized TunnelEvent established(Params p, InetSocketAddress from, double ms) {
        TunnelEvent event = event(TunnelEvent.Type.ESTABLISHED, p.parameters(), tunnel);
        tunnel = p.parameters();
        Instant now = clock.instant();
        paths.built(now);
        state = State.ESTABLISHED;
        params = p;
        server = from;
        establishedAt = now;
        lastEstablishMs = ms;
        expiresAt = now.plusSeconds(p.parameters().leaseSeconds());
        confirmed = false;
        backoff.reset();
        lastFailure = null;
        silentInARow = 0;
        establishments++;
        adoptServers(p);
        return event;
    }

    /** Takes the renewed lease {@code p}; returns the PARAMETERS_CHANGED event if the tunnel changed, else null. */
    synchronized TunnelEvent renewed(Params p) {
        TunnelEvent changed = null;
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
        backoff.reset();
        silentInARow = 0;
        adoptServers(p);
        return changed;
    }

    private void adoptServers(Params p) {
        if (!p.servers().isEmpty()) {
            servers = p.servers();
        }
    }

    /** Lets go of the tunnel; returns the event of that {@code type} (RELEASED, LOST), or null without a tunnel. */
    synchronized TunnelEvent dropTunnel(TunnelEvent.Type type) {
        TunnelEvent event = tunnel == null ? null : event(type, null, tunnel);
        tunnel = null;
        return event;
    }

    /** The ESTABLISHED event of the tunnel in place, for a listener added late; null without one. */
    synchronized TunnelEvent replay() {
        return tunnel == null || closed ? null : event(TunnelEvent.Type.ESTABLISHED, tunnel, null);
    }

    /** An event of this device now, on the current path. */
    synchronized TunnelEvent event(TunnelEvent.Type type, TunnelParameters now, TunnelParameters before) {
        return new TunnelEvent(type, device, Optional.ofNullable(now), Optional.ofNullable(before), paths.current(),
                clock.instant());
    }

    /** The wall clock's time. */
    Instant now() {
        return clock.instant();
    }

    /** True if the lease is over (or unknown) once {@code wait} has passed. */
    synchronized boolean leaseOverWithin(Duration wait) {
        return expiresAt == null || !clock.instant().plus(wait).isBefore(expiresAt);
    }

    // ---- failures and retries ---------------------------------------------------------------

    synchronized void recordFailure(Nak nak, Throwable err, String what) {
        lastFailure = new EstablishFailure(clock.instant(), nak == null ? Optional.empty() : Optional.of(nak.reason()),
                what + " failed: " + (nak != null ? nak.reason().label() + ": " + nak.text() : describe(err)));
    }

    /**
     * Counts an attempt that got no PARAMS: one no server answered authentically ({@code silent})
     * adds to the attempts in a row without an answer, one a server refused ends the row.
     *
     * @return the attempts in a row without an answer now
     */
    synchronized int countUnanswered(boolean silent) {
        silentInARow = silent ? silentInARow + 1 : 0;
        return silentInARow;
    }

    /** The wait before the next retry, as it is. */
    synchronized Duration currentRetryDelay() {
        return backoff.current();
    }

    /** The wait before the next retry; the one after will be longer. */
    synchronized Duration nextRetryDelay() {
        return backoff.next();
    }
}
