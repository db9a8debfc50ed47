package net.dtm.server.internal;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import net.dtm.api.ClusterService;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.NodeInfo;
import net.dtm.api.NodeState;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.cluster.Member;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * {@link ClusterService} of a server node: the cluster's member records seen through this node's
 * own state. A member is DOWN when not registered, DRAINING when its durable flag is set, ACTIVE
 * otherwise; this node is DEGRADED while it is not connected to the store's quorum, and its
 * figures (leases served, leader, last seen now) are live rather than the last published ones.
 * Without a cluster (null) the node is a cluster of one.
 */
public final class NodeDirectory implements ClusterService {

    private final Cluster cluster;
    private final ClusterView view;
    private final ServerSettings settings;
    private final LongSupplier leasesServed;
    private final Clock clock;

    /**
     * @param cluster      this node's membership; null for a standalone node without one
     * @param view         the request handler's view (degraded since, server list pushed)
     * @param settings     this node's settings
     * @param leasesServed this node's live figure
     * @param clock        time source
     */
    public NodeDirectory(Cluster cluster, ClusterView view, ServerSettings settings, LongSupplier leasesServed, Clock clock) {
        this.cluster = cluster;
        this.view = Objects.requireNonNull(view, "view");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.leasesServed = Objects.requireNonNull(leasesServed, "leasesServed");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String mode() {
        return cluster == null ? "standalone" : cluster.type();
    }

    /** This node's identity in the cluster (its server may name itself otherwise in PARAMS). */
    private String self() {
        return cluster != null ? cluster.nodeId() : settings.nodeId();
    }

    @Override
    public NodeInfo local() {
        return members().stream().filter(m -> m.id().equals(self())).findFirst().map(this::info)
                .orElseGet(() -> info(new Member(self(), "", List.of(settings.controlEndpoint()), true, false,
                        cluster == null || cluster.isLeader(), leasesServed.getAsLong(), clock.instant())));
    }

    @Override
    public List<NodeInfo> nodes() {
        List<NodeInfo> out = new ArrayList<>();
        boolean sawSelf = false;
        for (Member m : members()) {
            sawSelf |= m.id().equals(self());
            out.add(info(m));
        }
        if (!sawSelf) {
            out.add(local());
        }
        out.sort(Comparator.comparing(NodeInfo::id));
        return out;
    }

    @Override
    public Optional<NodeInfo> node(String id) {
        return nodes().stream().filter(n -> n.id().equals(id)).findFirst();
    }

    private List<Member> members() {
        return cluster == null ? List.of() : cluster.members();
    }

    private NodeInfo info(Member m) {
        if (m.id().equals(self())) {
            NodeState state = view.degraded() ? NodeState.DEGRADED
                    : m.draining() ? NodeState.DRAINING : NodeState.ACTIVE;
            boolean leader = cluster == null || cluster.isLeader();
            List<InetSocketAddress> endpoints = m.endpoints().isEmpty() ? List.of(settings.controlEndpoint()) : m.endpoints();
            return new NodeInfo(m.id(), m.site(), endpoints, state, leader, leasesServed.getAsLong(), clock.instant());
        }
        NodeState state = !m.registered() ? NodeState.DOWN : m.draining() ? NodeState.DRAINING : NodeState.ACTIVE;
        return new NodeInfo(m.id(), m.site(), m.endpoints(), state, m.leader() && m.registered(), m.leasesServed(),
                m.lastSeen());
    }

    /**
     * Mode, node, state, site, leader, leases served, degraded since, the server list pushed to
     * devices, then the cluster implementation's own entries (connection, session...).
     */
    @Override
    public Map<String, String> status() {
        NodeInfo me = local();
        Map<String, String> out = new LinkedHashMap<>();
        out.put("mode", mode());
        out.put("node", me.id());
        out.put("state", me.state().name().toLowerCase(java.util.Locale.ROOT));
        out.put("site", me.site());
        out.put("leader", Boolean.toString(me.leader()));
        out.put("leases.served", Long.toString(me.leasesServed()));
        out.put("degraded.since", view.degradedSince().map(Object::toString).orElse("-"));
        List<InetSocketAddress> servers = view.servers();
        out.put("servers.pushed", servers.isEmpty() ? "(none: devices keep their own list)"
                : servers.stream().map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).collect(Collectors.joining(",")));
        if (cluster != null) {
            Map<String, String> detail;
            try {
                detail = cluster.status();
            } catch (RuntimeException e) {
                detail = Map.of("error", String.valueOf(e.getMessage()));
            }
            detail.forEach((k, v) -> out.put(out.containsKey(k) ? "cluster." + k : k, v));
        }
        return out;
    }

    /**
     * Sets the node's durable draining flag through the cluster. Draining the last active node is
     * refused unless forced ({@link ClusterService.LastActiveNodeException}), whoever asks.
     */
    @Override
    public boolean setDraining(String id, boolean draining, boolean force) {
        Objects.requireNonNull(id, "id");
        if (cluster == null) {
            if (!id.equals(self())) {
                throw new IllegalArgumentException("no node " + id + " (this node is " + self() + ")");
            }
            throw new IllegalStateException("node " + self() + " runs without a cluster service: it cannot be drained");
        }
        try {
            if (draining && !force) {
                refuseLastActive(id);
            }
            return cluster.setDraining(id, draining);
        } catch (StoreUnavailableException e) {
            throw new DtmException(Reason.STORE_UNAVAILABLE, "cannot " + (draining ? "drain" : "undrain") + " node " + id
                    + ": store unavailable (" + e.getMessage() + ")", e);
        } finally {
            view.invalidate();
        }
    }

    /**
     * @throws ClusterService.LastActiveNodeException if {@code id} is active and no other node is
     *         active or degraded (a degraded node takes new devices again once its store is back)
     */
    private void refuseLastActive(String id) {
        List<NodeInfo> all = nodes();
        boolean active = all.stream().anyMatch(n -> n.id().equals(id) && n.state() == NodeState.ACTIVE);
        boolean another = all.stream().anyMatch(n -> !n.id().equals(id)
                && (n.state() == NodeState.ACTIVE || n.state() == NodeState.DEGRADED));
        if (active && !another) {
            throw new ClusterService.LastActiveNodeException(id);
        }
    }
}
