package net.dtm.agent;

import static net.dtm.agent.AgentLog.LOG;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import net.dtm.api.DeviceId;
import net.dtm.api.OuterPath;
import net.dtm.api.TunnelAgentService;
import net.dtm.api.TunnelEvent;
import net.dtm.api.TunnelListener;
import net.dtm.api.TunnelStatus;
import net.dtm.transport.MultiLinkTransport;

/**
 * The device side ("fastest service first"): asks every known server over every link at once,
 * takes the first valid PARAMS, confirms to that server, renews at half the lease time, and starts
 * over when the lease is lost. Every state change runs on the given scheduler; a new establishment
 * cycle bumps an epoch so that answers and timers of an older cycle are ignored.
 *
 * <p>This class wires and answers; the lease is kept by {@link LeaseKeeper}, the path by
 * {@link PathUpdates}, the state they share is {@link AgentState}, the wire is {@link AgentExchange}.
 */
public final class TunnelAgent implements TunnelAgentService, AutoCloseable {

    private final AgentSettings settings;
    private final MultiLinkTransport transport;
    private final AgentScheduler scheduler;
    private final AgentState state;
    private final AgentExchange exchange;
    private final TunnelListeners listeners;
    private final LinkView links;
    private final PathUpdates paths;
    private final LeaseKeeper lease;

    /**
     * @param settings  who the device is and where the servers are
     * @param transport the multi-link transport (its links are managed by the caller)
     * @param scheduler runs the agent's state changes and timers
     * @param clock     wall clock for lease times
     */
    public TunnelAgent(AgentSettings settings, MultiLinkTransport transport, ScheduledExecutorService scheduler, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.scheduler = new AgentScheduler(Objects.requireNonNull(scheduler, "scheduler"), settings.device());
        this.state = new AgentState(settings, Objects.requireNonNull(clock, "clock"));
        this.exchange = new AgentExchange(settings.device(), settings.key(), transport);
        this.listeners = new TunnelListeners(settings.device());
        this.links = new LinkView(transport);
        this.paths = new PathUpdates(settings, state, exchange, listeners, links, this.scheduler);
        this.lease = new LeaseKeeper(settings, state, exchange, listeners, links, paths, this.scheduler);
    }

    /** Counts and times establishments into {@code establishments} (call before {@link #start()}). */
    void setEstablishments(Establishments establishments) {
        lease.setEstablishments(Objects.requireNonNull(establishments, "establishments"));
    }

    /** Starts establishing. Idempotent. */
    public void start() {
        OptionalInt e = state.start();
        if (e.isEmpty()) {
            return;
        }
        LOG.info("tunnel agent started: device={} servers={} links={}", settings.device(), servers(), links.linkIds());
        transport.addChangeListener(paths.linksChanged());
        paths.startReviewing();
        scheduler.run(() -> lease.establish(e.getAsInt()));
    }

    /**
     * Speaks wire version {@code version} (1, 2 or 3; 3 by default). Version 2 has no sequence
     * resync (a server's NAK {@code stale-sequence} with its mark), version 1 no data-plane fields
     * either: for servers that predate them. Call before {@link #start()}.
     */
    public void setWireVersion(int version) {
        exchange.setWireVersion(version);
    }

    /** This device's WireGuard public key (base64), sent in ESTABLISH; empty for none. Call before {@link #start()}. */
    public void setWireGuardPublicKey(String publicKey) {
        lease.setWireGuardPublicKey(Objects.requireNonNull(publicKey, "publicKey"));
    }

    /**
     * Sends every tunnel event to {@code listener} from now on, on the agent's thread, in order. A
     * listener added while a tunnel is up first gets an ESTABLISHED event for it, so a configuration
     * module installed or restarted later still builds the tunnel.
     */
    public void addTunnelListener(TunnelListener listener) {
        Objects.requireNonNull(listener, "listener");
        // Registered at once; the replay of the tunnel in place goes through the agent's thread and
        // only to a listener still registered then (a remove before the replay runs wins).
        if (listeners.addTunnelListener(listener)) {
            scheduler.run(() -> {
                TunnelEvent replay = state.replay();
                if (replay != null && listeners.registered(listener)) {
                    listeners.deliver(listener, replay);
                }
            });
        }
    }

    /** Stops sending tunnel events to {@code listener}. */
    public void removeTunnelListener(TunnelListener listener) {
        listeners.removeTunnelListener(listener);
    }

    /** The link carrying the tunnel, if one is usable. */
    public Optional<OuterPath> path() {
        return state.path();
    }

    /** Calls {@code listener} with every status change (on the agent's scheduler thread). */
    public void addListener(Consumer<TunnelStatus> listener) {
        listeners.addStatusListener(listener);
    }

    /** Stops calling {@code listener}. */
    public void removeListener(Consumer<TunnelStatus> listener) {
        listeners.removeStatusListener(listener);
    }

    /**
     * Calls {@code listener} (on the agent's thread) after each establishment or renewal attempt that
     * no server answered authentically, with the number of such attempts in a row; a PARAMS or a NAK
     * ends the row. How a re-keyed device notices: the servers drop what its old key seals.
     */
    public void addSilenceListener(IntConsumer listener) {
        listeners.addSilenceListener(listener);
    }

    /** Stops calling {@code listener}. */
    public void removeSilenceListener(IntConsumer listener) {
        listeners.removeSilenceListener(listener);
    }

    /**
     * Seals with {@code key} from now on (the device's new key, from a re-enrolment) and, if started,
     * establishes again at once keeping the lease and the tunnel in place (as {@link #rehome()}),
     * so the server that answers first takes it with the same address.
     *
     * @throws IllegalArgumentException if it is not 32 bytes
     */
    public void replaceKey(byte[] key) {
        exchange.setKey(Objects.requireNonNull(key, "key"));
        LOG.info("device key replaced: device={} establishing with the new key", settings.device());
        lease.rehome();
    }

    @Override
    public TunnelStatus status() {
        return state.status();
    }

    /** The servers currently asked (the configured list until a server pushes its own). */
    public List<InetSocketAddress> servers() {
        return state.servers();
    }

    /** Why the last attempt failed, if it did. */
    public Optional<EstablishFailure> lastFailure() {
        return state.lastFailure();
    }

    /** True once the chosen server acknowledged the CONFIRM of the current tunnel. */
    public boolean confirmed() {
        return state.confirmed();
    }

    /** How many times a tunnel was established since start. */
    public long establishments() {
        return state.establishments();
    }

    @Override
    public void reestablish() {
        lease.reestablish();
    }

    @Override
    public void rehome() {
        lease.rehome();
    }

    /** Stops all activity. The lease is not released: a restarted agent gets the same address back. */
    @Override
    public void close() {
        if (!state.close()) {
            return;
        }
        paths.stopReviewing();
        transport.removeChangeListener(paths.linksChanged());
        LOG.info("tunnel agent stopped: device={}", settings.device());
        listeners.publish(state.status());
    }

    /** The INFO line logged on every establishment; its shape is relied on by operators and benchmarks. */
    static String establishedLine(DeviceId device, InetAddress address, InetSocketAddress server, double ms) {
        return AgentLog.establishedLine(device, address, server, ms);
    }
}
