package net.dtm.server.internal;

import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseEvent;
import net.dtm.api.OuterPath;
import net.dtm.api.Pool;
import net.dtm.api.TunnelPeer;
import net.dtm.api.TunnelType;

/**
 * What this node knows of each device's data path, and the lease events it publishes from it.
 * <p>
 * A device's core end lives on the node that answered its ESTABLISH and received its CONFIRM (the
 * device's <em>tunnel server</em>): BOUND there. Renewals go to every server; only the one the
 * device names as its tunnel server publishes RENEWED (with the outer path the device reports),
 * while a node that served the device before and is no longer named publishes MOVED_AWAY, so its
 * core end goes. PATH publishes PATH_CHANGED; RELEASE publishes RELEASED; a remembered lease whose
 * expiry passes without renewal through this node is checked against the pool and, if no longer
 * active, published as EXPIRED ({@link #sweep(java.util.function.Function)}).
 * <p>
 * The sink is called on the request thread and must not block (the server hands events to the
 * listeners through a queue).
 */
public final class DataPathEvents {

    private static final Logger LOG = LoggerFactory.getLogger(DataPathEvents.class);

    /**
     * The data path of one device as last reported to this node.
     *
     * @param sequence the device's message sequence that last set {@code outer}: path data from an
     *                 older message (a late copy over a slow link, a replay) never overrides it
     * @param bound    this node is the device's tunnel server (it confirmed, or renewals name it)
     */
    record Path(TunnelType type, Optional<OuterPath> outer, String publicKey, Lease lease, boolean bound, long sequence) {
        Path withLease(Lease l) {
            return new Path(type, outer, publicKey, l, bound, sequence);
        }

        /** This path with {@code newer} outer data if it comes from a later message. */
        Path moved(Optional<OuterPath> newer, long newerSequence) {
            if (newer.isEmpty() || newerSequence <= sequence) {
                return this;
            }
            return new Path(type, newer, publicKey, lease, bound, newerSequence);
        }
    }

    private final String nodeId;
    private final Consumer<LeaseEvent> sink;
    private final Clock clock;
    private final Map<DeviceId, Path> paths = new ConcurrentHashMap<>();

    public DataPathEvents(String nodeId, Consumer<LeaseEvent> sink, Clock clock) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The tunnel key of a lease: VXLAN network identifier (24 bits) or GRE key (32 bits), derived from
     * the lease's address so that every node of a cluster gives a device the same key without
     * coordination. IPv4: the low 24 (VXLAN) or 32 (GRE) bits of the address; IPv6: those bits of
     * the address, or of the delegated prefix above its host part. Never 0 for VXLAN (0 maps to
     * the largest VNI). IPIP and WireGuard have no key. Pools served by one gateway must therefore
     * differ in those bits (e.g. all IPv4 pools inside one /8): the gateway refuses a second tunnel
     * with a key in use, with the reason in its history.
     */
    public static long tunnelKey(TunnelType type, Pool pool, InetAddress leaseAddress) {
        int bits = switch (type) {
            case VXLAN -> 24;
            case GRE -> 32;
            default -> 0;
        };
        if (bits == 0) {
            return 0;
        }
        BigInteger value = new BigInteger(1, leaseAddress.getAddress());
        int hostBits = leaseAddress.getAddress().length * 8 - pool.delegatedLength();
        long key = value.shiftRight(hostBits).longValue() & ((1L << bits) - 1);
        return type == TunnelType.VXLAN && key == 0 ? (1L << 24) - 1 : key;
    }

    /**
     * ESTABLISH answered with an offer: remember the device's path and key until its CONFIRM. A node
     * that is already the device's tunnel server stays so (the device may be re-homing elsewhere:
     * the next renewal naming another node removes this node's core end).
     *
     * @param sequence the ESTABLISH's message sequence
     */
    public void offered(DeviceId device, TunnelType type, Optional<OuterPath> outer, String publicKey, Lease lease,
                        long sequence) {
        paths.compute(device, (d, known) -> known != null && known.bound()
                ? known.moved(outer, sequence)
                : new Path(type, outer, publicKey, lease, false, sequence));
    }

    /** CONFIRM accepted: this node is the device's tunnel server. */
    public void confirmed(Lease lease, Pool pool) {
        paths.computeIfPresent(lease.device(), (d, p) -> {
            // absent: a v1 device, or an offer made before a restart: no data path to build
            Path bound = new Path(p.type(), p.outer(), p.publicKey(), lease, true, p.sequence());
            publish(LeaseEvent.Type.BOUND, bound, pool);
            return bound;
        });
    }

    /**
     * RENEW accepted, naming {@code tunnelServer} (empty: a v1 device).
     *
     * @param sequence the RENEW's message sequence
     */
    public void renewed(Lease lease, Pool pool, String tunnelServer, Optional<OuterPath> outer, TunnelType type,
                        long sequence) {
        if (tunnelServer.isEmpty()) {
            return;
        }
        if (!tunnelServer.equals(nodeId)) {
            paths.computeIfPresent(lease.device(), (d, known) -> {
                if (known.bound()) {
                    publish(LeaseEvent.Type.MOVED_AWAY, known.withLease(lease), pool);
                    return null;
                }
                return known;
            });
            return;
        }
        paths.compute(lease.device(), (d, known) -> {
            Path p = known == null
                    ? new Path(type, outer, "", lease, true, sequence)
                    : new Path(type, known.outer(), known.publicKey(), lease, true, known.sequence()).moved(outer, sequence);
            publish(LeaseEvent.Type.RENEWED, p, pool);
            return p;
        });
    }

    /**
     * PATH accepted by the lease check: the device's outer path moved. Only the device's tunnel
     * server takes it; path data older than what this node has is acknowledged and ignored.
     *
     * @param sequence the PATH's message sequence
     * @return false if this node is not the device's tunnel server (nothing changed)
     */
    public boolean pathChanged(Lease lease, Pool pool, OuterPath outer, long sequence) {
        boolean[] served = {false};
        paths.computeIfPresent(lease.device(), (d, known) -> {
            if (!known.bound()) {
                return known;
            }
            served[0] = true;
            Path base = known.withLease(lease);
            Path p = base.moved(Optional.of(outer), sequence);
            if (p != base) {
                publish(LeaseEvent.Type.PATH_CHANGED, p, pool);
            }
            return p;
        });
        return served[0];
    }

    /** RELEASE accepted. */
    public void released(Lease lease) {
        paths.remove(lease.device());
        sink.accept(new LeaseEvent(LeaseEvent.Type.RELEASED, lease, Optional.empty(), clock.instant()));
    }

    /**
     * Publishes EXPIRED for every remembered lease whose known expiry has passed and that
     * {@code current} (the pool's view) no longer shows active; refreshes the others.
     *
     * @return how many expired
     */
    public int sweep(java.util.function.Function<Lease, Optional<Lease>> current) {
        Instant now = clock.instant();
        int expired = 0;
        for (Map.Entry<DeviceId, Path> e : new ArrayList<>(paths.entrySet())) {
            Path p = e.getValue();
            if (p.lease().expiresAt().isAfter(now)) {
                continue;
            }
            if (!p.bound()) {
                paths.remove(e.getKey(), p); // an offer another node won, or one never confirmed
                continue;
            }
            Optional<Lease> latest;
            try {
                latest = current.apply(p.lease());
            } catch (RuntimeException ex) {
                LOG.debug("expiry check of device={} deferred: {}", e.getKey(), ex.toString());
                continue;
            }
            if (latest.isPresent() && latest.get().isActiveAt(now) && latest.get().address().equals(p.lease().address())) {
                paths.replace(e.getKey(), p, p.withLease(latest.get()));
                continue;
            }
            if (paths.remove(e.getKey(), p)) {
                expired++;
                sink.accept(new LeaseEvent(LeaseEvent.Type.EXPIRED, latest.orElse(p.lease()), Optional.empty(), now));
            }
        }
        return expired;
    }

    /** Devices with a remembered data path (tests, status). */
    public List<DeviceId> devices() {
        return List.copyOf(paths.keySet());
    }

    private void publish(LeaseEvent.Type type, Path p, Pool pool) {
        Optional<TunnelPeer> peer = p.outer().map(o -> new TunnelPeer(p.type(), o.localAddress(),
                tunnelKey(p.type(), pool, p.lease().address()), pool.innerAddress(p.lease().address()),
                pool.routedPrefix(p.lease().address()), p.publicKey().isEmpty() ? Optional.empty() : Optional.of(p.publicKey())));
        if (peer.isEmpty() && type != LeaseEvent.Type.MOVED_AWAY) {
            LOG.debug("lease event {} of device={} without an outer path: no core end", type, p.lease().device());
        }
        sink.accept(new LeaseEvent(type, p.lease(), peer, clock.instant()));
    }
}
