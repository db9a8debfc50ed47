package net.dtm.server.internal;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.cluster.Member;

/**
 * What the request handler needs to know about the cluster, cheaply, per request: whether this
 * node is degraded (not connected to the store's quorum) or draining, and the server list pushed
 * to devices in PARAMS.
 * <p>
 * <b>Server list.</b> The configured {@code advertise.servers} when not empty. Otherwise, in a
 * cluster (type other than {@code standalone}), the endpoints of every member that is registered
 * and not draining, at most {@value #MAX_SERVERS}, in a deterministic order: this node first
 * (unless it is draining: its devices then move to the others at their next renewal), then the
 * members of its own site, then the other sites, each by site and id. A standalone node (a cluster
 * of one, which knows nothing of other nodes sharing its store) pushes the configured list, so
 * devices keep their own list when none is configured; so does a cluster node whose list would
 * be empty.
 * <p>
 * The member list is recomputed when the cluster notifies a change and at least every
 * {@link #REFRESH_MILLIS} ms; between those the last list is served. The degraded state is read
 * from the cluster on every call and the time it began is remembered.
 */
public final class ClusterView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterView.class);

    /** Most control endpoints a PARAMS carries. */
    public static final int MAX_SERVERS = 16;
    /** Longest time a computed server list is served without asking the cluster again. */
    static final long REFRESH_MILLIS = 1000;

    private final Cluster cluster;
    private final ServerSettings settings;
    private final Clock clock;
    private final boolean standalone;
    private final Runnable listener = this::invalidate;

    private volatile Snapshot snapshot;
    private volatile boolean stale = true;
    /** When this node was first seen disconnected in the current episode; null while connected. */
    private volatile Instant degradedSince;
    /** Milliseconds degraded in the episodes that have ended. */
    private final AtomicLong degradedMillisEnded = new AtomicLong();

    private record Snapshot(long atMillis, boolean draining, List<InetSocketAddress> servers) {
    }

    /**
     * @param cluster  this node's membership; null means a standalone node
     * @param settings this node's settings (its control endpoint and configured server list)
     * @param clock    time source
     */
    public ClusterView(Cluster cluster, ServerSettings settings, Clock clock) {
        this.cluster = cluster;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.standalone = cluster == null || "standalone".equals(cluster.type());
        if (cluster != null) {
            cluster.addListener(listener);
        }
    }

    /** The cluster, or empty for a standalone node built without one. */
    public Optional<Cluster> cluster() {
        return Optional.ofNullable(cluster);
    }

    /** Whether this node cannot reach the store's quorum now (and so must not create bindings). */
    public boolean degraded() {
        boolean connected;
        try {
            connected = cluster == null || cluster.isConnected();
        } catch (RuntimeException e) {
            LOG.warn("cluster connection state unknown, taken as degraded: {}", e.toString());
            connected = false;
        }
        Instant since = degradedSince;
        if (!connected && since == null) {
            degradedSince = clock.instant();
            LOG.warn("node {} degraded: not connected to the store's quorum; new devices are refused with "
                    + "store-unavailable, known leases are renewed unchanged", settings.nodeId());
        } else if (connected && since != null) {
            degradedSince = null;
            degradedMillisEnded.addAndGet(Math.max(0, clock.millis() - since.toEpochMilli()));
            LOG.info("node {} connected to the store's quorum again (degraded since {}): serving new devices",
                    settings.nodeId(), since);
        }
        return !connected;
    }

    /** When the current degraded episode began, or empty if connected (as last seen). */
    public Optional<Instant> degradedSince() {
        return Optional.ofNullable(degradedSince);
    }

    /**
     * Seconds this node has been degraded since it started, the current episode included (as last
     * seen: call {@link #degraded()} first for the state now).
     */
    public double degradedSeconds() {
        Instant since = degradedSince;
        long ongoing = since == null ? 0 : Math.max(0, clock.millis() - since.toEpochMilli());
        return (degradedMillisEnded.get() + ongoing) / 1000.0;
    }

    /** Whether an operator drained this node (it takes no new devices). */
    public boolean draining() {
        return current().draining();
    }

    /** The control endpoints pushed to devices in PARAMS now; empty means devices keep their own list. */
    public List<InetSocketAddress> servers() {
        return current().servers();
    }

    /** Makes the next call recompute the list (the cluster's change notification). */
    public void invalidate() {
        stale = true;
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        long now = clock.millis();
        if (s != null && !stale && now - s.atMillis() < REFRESH_MILLIS && now >= s.atMillis()) {
            return s;
        }
        stale = false; // cleared before reading, so a change notified meanwhile is not lost
        Snapshot fresh = compute(now, s);
        snapshot = fresh;
        return fresh;
    }

    private Snapshot compute(long now, Snapshot previous) {
        if (cluster == null) {
            return new Snapshot(now, false, settings.servers());
        }
        List<Member> members;
        try {
            members = cluster.members();
        } catch (RuntimeException e) {
            LOG.warn("cannot read the cluster's members, keeping the last server list: {}", e.toString());
            return previous != null ? new Snapshot(now, previous.draining(), previous.servers())
                    : new Snapshot(now, false, settings.servers());
        }
        String self = cluster.nodeId(); // this node's identity in the cluster (its server may name itself otherwise)
        Member local = members.stream().filter(m -> m.id().equals(self)).findFirst().orElse(null);
        boolean draining = local != null && local.draining();
        if (standalone || !settings.servers().isEmpty()) {
            return new Snapshot(now, draining, settings.servers());
        }
        List<InetSocketAddress> list = serverList(self, local == null ? "" : local.site(), draining,
                settings.controlEndpoint(), members);
        return new Snapshot(now, draining, list.isEmpty() ? settings.servers() : list);
    }

    /**
     * The server list for node {@code self} of {@code site}: itself first unless draining, then
     * registered, not draining members of its site, then of other sites (by site, then id); their
     * advertised endpoints, without duplicates, at most {@value #MAX_SERVERS}.
     */
    static List<InetSocketAddress> serverList(String self, String site, boolean selfDraining,
                                              InetSocketAddress selfEndpoint, List<Member> members) {
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        Member local = members.stream().filter(m -> m.id().equals(self)).findFirst().orElse(null);
        if (!selfDraining) {
            if (local != null && !local.endpoints().isEmpty()) {
                out.addAll(local.endpoints());
            } else {
                out.add(selfEndpoint); // not registered (yet): it still answers, so it is a server
            }
        }
        List<Member> others = new ArrayList<>();
        for (Member m : members) {
            if (!m.id().equals(self) && m.registered() && !m.draining()) {
                others.add(m);
            }
        }
        others.sort(Comparator.comparing((Member m) -> !m.site().equals(site)).thenComparing(Member::site)
                .thenComparing(Member::id));
        for (Member m : others) {
            out.addAll(m.endpoints());
        }
        List<InetSocketAddress> list = new ArrayList<>(out);
        return list.size() > MAX_SERVERS ? List.copyOf(list.subList(0, MAX_SERVERS)) : List.copyOf(list);
    }

    /** Stops listening to the cluster. */
    @Override
    public void close() {
        if (cluster != null) {
            cluster.removeListener(listener);
        }
    }
}
