package net.dtm.rest;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.ClusterService;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.api.DtmException;
import net.dtm.api.Lease;
import net.dtm.api.LeaseQuery;
import net.dtm.api.LeaseState;
import net.dtm.api.LinkInfo;
import net.dtm.api.LinkService;
import net.dtm.api.NodeInfo;
import net.dtm.api.NodeState;
import net.dtm.api.Pool;
import net.dtm.api.PoolStats;
import net.dtm.api.TunnelAgentService;
import net.dtm.api.TunnelServerService;
import net.dtm.api.TunnelStatus;
import net.dtm.api.TunnelType;

/** In-memory stand-ins for the api services (the pool, device, agent and link fakes follow dtm-shell's). */
final class Fakes {

    private Fakes() {
    }

    /**
     * The pool service over a list: pools in name order, leases in address order, and the
     * validation the real pool manager does (name, overlap, assignable address, holder).
     * {@link #changes} counts successful writes so tests can check that a refusal changed nothing.
     */
    static final class Pools implements AddressPoolAdminService {
        static final Instant NOW = Instant.parse("2030-01-01T09:00:00Z");
        static final Duration QUARANTINE = Duration.ofMinutes(10);

        final Map<String, Pool> pools = new TreeMap<>();
        final List<Lease> leases = new ArrayList<>();
        final Map<String, PoolStats> exhaustion = new HashMap<>();
        int changes;
        /** When set, every query of leases or stats and every write throws it (a store outage). */
        RuntimeException failure;
        /** Every query the commands sent, for paging tests. */
        final List<LeaseQuery> queries = new ArrayList<>();

        private static final Comparator<Lease> ORDER = Comparator.comparing(Lease::pool)
                .thenComparing(l -> new BigInteger(1, l.address().getAddress()));

        @Override
        public List<Pool> pools() {
            return List.copyOf(pools.values());
        }

        @Override
        public Optional<Pool> pool(String name) {
            return Optional.ofNullable(pools.get(name));
        }

        @Override
        public List<Lease> leases(String pool) {
            return leases.stream().filter(l -> pool == null || l.pool().equals(pool)).sorted(ORDER).toList();
        }

        @Override
        public List<Lease> leases(LeaseQuery q) {
            fail();
            queries.add(q);
            // Keyset paging: (pool, address) of the --after address; addresses are unique across pools.
            Optional<Lease> mark = q.after().map(a -> new Lease(
                    q.pool().orElseGet(() -> pools.values().stream().filter(p -> p.prefix().contains(a)).map(Pool::name)
                            .findFirst().orElse("")),
                    DeviceId.of("mark"), a, LeaseState.BOUND, 0, NOW, "mark"));
            return leases.stream()
                    .filter(l -> q.pool().map(l.pool()::equals).orElse(true))
                    .filter(l -> q.device().map(l.device()::equals).orElse(true))
                    .filter(l -> q.state().map(s -> l.state() == s).orElse(true))
                    .filter(l -> q.expired().map(e -> e != l.isActiveAt(NOW)).orElse(true))
                    .filter(l -> mark.map(m -> ORDER.compare(l, m) > 0).orElse(true))
                    .sorted(ORDER).limit(q.limit()).toList();
        }

        @Override
        public Optional<Lease> lease(String pool, DeviceId device) {
            return leases.stream().filter(l -> l.pool().equals(pool) && l.device().equals(device)).findFirst();
        }

        @Override
        public Optional<Lease> leaseAt(String pool, InetAddress address) {
            return leases.stream().filter(l -> l.pool().equals(pool) && l.address().equals(address)).findFirst();
        }

        @Override
        public long used(String pool) {
            return leases.stream().filter(l -> l.pool().equals(pool) && l.isActiveAt(NOW)).count();
        }

        @Override
        public PoolStats stats(String name) {
            fail();
            Pool pool = pools.get(name);
            if (pool == null) {
                throw new DtmException(DtmException.Reason.NO_POOL, "no pool named " + name);
            }
            long locked = 0;
            long bound = 0;
            long quarantined = 0;
            long reclaimable = 0;
            long reserved = 0;
            for (Lease l : leases) {
                if (!l.pool().equals(name)) {
                    continue;
                }
                if (l.isActiveAt(NOW)) {
                    if (l.state() == LeaseState.LOCKED) {
                        locked++;
                    } else {
                        bound++;
                    }
                } else if (l.expiresAt().isAfter(NOW.minus(QUARANTINE))) {
                    quarantined++;
                } else {
                    reclaimable++;
                }
                reserved += l.reserved() ? 1 : 0;
            }
            PoolStats e = exhaustion.get(name);
            return new PoolStats(pool, pool.capacity(), pool.excludedCount(), locked, bound, quarantined, reclaimable, reserved,
                    e == null ? 0 : e.exhaustedEpisodes(), e == null ? Optional.empty() : e.exhaustedSince(),
                    e == null ? 0 : e.refusals());
        }

        /** Makes {@link #stats} report exhaustion figures for a pool. */
        void exhausted(String pool, long episodes, Instant since, long refusals) {
            exhaustion.put(pool, new PoolStats(pools.get(pool), 0, 0, 0, 0, 0, 0, 0, episodes, Optional.ofNullable(since), refusals));
        }

        @Override
        public Pool createPool(Pool pool) {
            fail();
            if (pools.containsKey(pool.name())) {
                throw new IllegalArgumentException("pool " + pool.name() + " exists");
            }
            for (Pool p : pools.values()) {
                if (p.prefix().overlaps(pool.prefix())) {
                    throw new IllegalArgumentException("prefix " + pool.prefix() + " overlaps pool " + p.name() + " (" + p.prefix() + ")");
                }
            }
            pools.put(pool.name(), pool);
            changes++;
            return pool;
        }

        @Override
        public Pool updatePool(Pool pool) {
            fail();
            Pool old = pools.get(pool.name());
            if (old == null) {
                throw new IllegalArgumentException("no pool named " + pool.name());
            }
            if (!old.prefix().equals(pool.prefix()) || old.delegatedLength() != pool.delegatedLength()) {
                throw new IllegalArgumentException("the prefix and delegated length of pool " + pool.name() + " cannot change");
            }
            pools.put(pool.name(), pool);
            changes++;
            return pool;
        }

        @Override
        public boolean deletePool(String name) {
            fail();
            if (pools.remove(name) == null) {
                return false;
            }
            leases.removeIf(l -> l.pool().equals(name));
            changes++;
            return true;
        }

        @Override
        public Lease allocate(String pool, DeviceId device) {
            throw new DtmException(DtmException.Reason.INTERNAL, "not in this fake");
        }

        @Override
        public Lease allocate(String pool, DeviceId device, InetAddress hint) {
            throw new DtmException(DtmException.Reason.INTERNAL, "not in this fake");
        }

        @Override
        public Lease allocate(DeviceId device, TunnelType type, InetAddress hint) {
            throw new DtmException(DtmException.Reason.INTERNAL, "not in this fake");
        }

        @Override
        public Lease confirm(String pool, DeviceId device) {
            throw new DtmException(DtmException.Reason.INTERNAL, "not in this fake");
        }

        @Override
        public Lease renew(String pool, DeviceId device) {
            throw new DtmException(DtmException.Reason.INTERNAL, "not in this fake");
        }

        @Override
        public Lease confirm(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
            throw new DtmException(DtmException.Reason.INTERNAL, "not in this fake");
        }

        @Override
        public Lease renew(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
            throw new DtmException(DtmException.Reason.INTERNAL, "not in this fake");
        }

        @Override
        public boolean release(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
            throw new DtmException(DtmException.Reason.INTERNAL, "not in this fake");
        }

        @Override
        public boolean release(String pool, DeviceId device) {
            fail();
            Optional<Lease> l = lease(pool, device);
            l.ifPresent(old -> replace(old, old.with(LeaseState.RELEASED, old.sequence() + 1, NOW, "rest")));
            return l.isPresent();
        }

        @Override
        public Lease reserve(String pool, DeviceId device, InetAddress address) {
            fail();
            Pool p = pools.get(pool);
            if (p == null) {
                throw new DtmException(DtmException.Reason.NO_POOL, "no pool named " + pool);
            }
            if (!p.isAssignable(address)) {
                throw new IllegalArgumentException(address.getHostAddress() + " is not assignable in pool " + pool);
            }
            Optional<Lease> holder = leaseAt(pool, address);
            if (holder.isPresent() && !holder.get().device().equals(device)) {
                throw new IllegalArgumentException(address.getHostAddress() + " is held by device " + holder.get().device());
            }
            Optional<Lease> own = lease(pool, device);
            Lease reserved;
            if (own.isPresent() && own.get().address().equals(address)) {
                reserved = own.get().withReserved(true, "rest");
                replace(own.get(), reserved);
            } else {
                own.ifPresent(leases::remove);
                reserved = new Lease(pool, device, address, LeaseState.RELEASED, 1, NOW, "rest", true);
                leases.add(reserved);
                changes++;
            }
            return reserved;
        }

        @Override
        public boolean unreserve(String pool, DeviceId device) {
            fail();
            Optional<Lease> own = lease(pool, device).filter(Lease::reserved);
            own.ifPresent(l -> replace(l, l.withReserved(false, "rest")));
            return own.isPresent();
        }

        private void fail() {
            if (failure != null) {
                throw failure;
            }
        }

        private void replace(Lease old, Lease now) {
            leases.set(leases.indexOf(old), now);
            changes++;
        }

        void addLease(String pool, String device, String address, LeaseState state, long seq) throws Exception {
            addLease(pool, device, address, state, seq, Instant.parse("2030-01-01T10:00:00Z"), false);
        }

        void addLease(String pool, String device, String address, LeaseState state, long seq, Instant expires, boolean reserved)
                throws Exception {
            leases.add(new Lease(pool, DeviceId.of(device), InetAddress.getByName(address), state, seq, expires, "node-a", reserved));
        }
    }

    /** The device registry over a map; {@link #changes} counts successful writes. */
    static final class Devices implements DeviceService {
        final Map<DeviceId, DeviceCredential> devices = new TreeMap<>();
        int changes;

        @Override
        public List<DeviceCredential> devices() {
            return List.copyOf(devices.values());
        }

        @Override
        public Optional<DeviceCredential> device(DeviceId id) {
            return Optional.ofNullable(devices.get(id));
        }

        @Override
        public DeviceCredential enroll(DeviceId id) {
            byte[] key = new byte[DeviceCredential.KEY_LENGTH];
            new SecureRandom().nextBytes(key);
            return enroll(id, key);
        }

        @Override
        public DeviceCredential enroll(DeviceId id, byte[] key) {
            if (devices.containsKey(id)) {
                throw new IllegalArgumentException("device " + id + " is already enrolled");
            }
            DeviceCredential c = new DeviceCredential(id, key, Instant.parse("2025-06-01T08:00:00Z"));
            devices.put(id, c);
            changes++;
            return c;
        }

        @Override
        public boolean remove(DeviceId id) {
            boolean removed = devices.remove(id) != null;
            changes += removed ? 1 : 0;
            return removed;
        }

        @Override
        public DeviceCredential rekey(DeviceId id, Duration overlap) {
            byte[] key = new byte[DeviceCredential.KEY_LENGTH];
            new SecureRandom().nextBytes(key);
            return rekey(id, key, overlap);
        }

        @Override
        public DeviceCredential rekey(DeviceId id, byte[] key, Duration overlap) {
            // as DeviceManager: without overlap the old key is kept, accepted until the re-key instant (not at all)
            DeviceCredential c = enrolled(id).rekeyed(key, Pools.NOW.plus(overlap));
            devices.put(id, c);
            changes++;
            return c;
        }

        @Override
        public boolean disable(DeviceId id) {
            return setDisabled(id, true);
        }

        @Override
        public boolean enable(DeviceId id) {
            return setDisabled(id, false);
        }

        @Override
        public DeviceCredential allowReenrolment(DeviceId id, Duration within) {
            DeviceCredential c = enrolled(id).withReenrolUntil(within.isZero() ? null : Pools.NOW.plus(within));
            devices.put(id, c);
            return c;
        }

        private boolean setDisabled(DeviceId id, boolean disabled) {
            DeviceCredential c = enrolled(id);
            devices.put(id, c.withDisabled(disabled));
            changes += c.disabled() != disabled ? 1 : 0;
            return c.disabled() != disabled;
        }

        private DeviceCredential enrolled(DeviceId id) {
            DeviceCredential c = devices.get(id);
            if (c == null) {
                throw new IllegalArgumentException("device " + id + " is not enrolled");
            }
            return c;
        }
    }

    static final class Agent implements TunnelAgentService {
        volatile TunnelStatus status;

        @Override
        public TunnelStatus status() {
            return status;
        }

        @Override
        public void reestablish() {
        }
    }

    static final class Links implements LinkService {
        final Map<String, LinkInfo> links = new TreeMap<>();

        void add(String id, String kind, long sent) {
            links.put(id, new LinkInfo(id, kind, "up", true, kind.equals("satellite"), Optional.of("127.0.0.1:40001"),
                    Optional.empty(), Duration.ofMillis(21), Duration.ofMillis(250), 0.5, 3, sent, sent * 300, sent / 2,
                    sent * 150, 1));
        }

        @Override
        public List<LinkInfo> links() {
            return List.copyOf(links.values());
        }

        @Override
        public Optional<LinkInfo> link(String id) {
            return Optional.ofNullable(links.get(id));
        }

        @Override
        public boolean enable(String id) {
            return set(id, true);
        }

        @Override
        public boolean disable(String id) {
            return set(id, false);
        }

        private boolean set(String id, boolean enabled) {
            LinkInfo l = links.get(id);
            if (l == null) {
                return false;
            }
            links.put(id, new LinkInfo(l.id(), l.kind(), l.state(), enabled, l.metered(), l.localAddress(),
                    l.publicAddress(), l.srtt(), l.rto(), l.lossEstimate(), l.copies(), l.datagramsSent(), l.bytesSent(),
                    l.datagramsReceived(), l.bytesReceived(), l.duplicates()));
            return true;
        }
    }

    /** The cluster service over a map of nodes, refusing to drain the last active one unless forced. */
    static final class Cluster implements ClusterService {
        final Map<String, NodeInfo> nodes = new TreeMap<>();
        int changes;

        void add(String id, NodeState state, boolean leader) {
            nodes.put(id, new NodeInfo(id, "dc1", List.of(new InetSocketAddress("127.0.0.1", 4789)), state, leader, 12,
                    Pools.NOW));
        }

        @Override
        public String mode() {
            return "standalone";
        }

        @Override
        public NodeInfo local() {
            return nodes.values().iterator().next();
        }

        @Override
        public List<NodeInfo> nodes() {
            return List.copyOf(nodes.values());
        }

        @Override
        public Optional<NodeInfo> node(String id) {
            return Optional.ofNullable(nodes.get(id));
        }

        @Override
        public Map<String, String> status() {
            return Map.of("mode", "standalone");
        }

        @Override
        public boolean setDraining(String id, boolean draining, boolean force) {
            NodeInfo n = nodes.get(id);
            if (n == null) {
                throw new IllegalArgumentException("no node " + id);
            }
            if (draining && !force && n.state() == NodeState.ACTIVE && nodes.values().stream()
                    .noneMatch(o -> !o.id().equals(id) && (o.state() == NodeState.ACTIVE || o.state() == NodeState.DEGRADED))) {
                throw new LastActiveNodeException(id);
            }
            NodeState target = draining ? NodeState.DRAINING : NodeState.ACTIVE;
            if (n.state() == target) {
                return false;
            }
            nodes.put(id, new NodeInfo(id, n.site(), n.endpoints(), target, n.leader(), n.leasesServed(), n.lastSeen()));
            changes++;
            return true;
        }
    }

    /** The server's counters. */
    static final class Server implements TunnelServerService {
        final Map<String, Long> counters = new LinkedHashMap<>();

        @Override
        public String nodeId() {
            return "node-a";
        }

        @Override
        public Map<String, Long> counters() {
            return Map.copyOf(counters);
        }
    }
}
