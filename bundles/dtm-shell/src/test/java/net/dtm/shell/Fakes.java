package net.dtm.shell;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.api.DtmException;
import net.dtm.api.Lease;
import net.dtm.api.LinkInfo;
import net.dtm.api.LinkService;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelAgentService;
import net.dtm.api.TunnelStatus;

/** In-memory stand-ins for the api services, just enough for the commands. */
final class Fakes {

    private Fakes() {
    }

    static final class Pools implements AddressPoolAdminService {
        final Map<String, Pool> pools = new TreeMap<>();
        final List<Lease> leases = new ArrayList<>();

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
            return leases.stream().filter(l -> pool == null || l.pool().equals(pool))
                    .sorted(Comparator.comparing(l -> l.address().getHostAddress())).toList();
        }

        @Override
        public Optional<Lease> lease(String pool, DeviceId device) {
            return leases.stream().filter(l -> l.pool().equals(pool) && l.device().equals(device)).findFirst();
        }

        @Override
        public long used(String pool) {
            return leases.stream().filter(l -> l.pool().equals(pool) && l.state() != LeaseState.RELEASED).count();
        }

        @Override
        public Pool createPool(Pool pool) {
            if (pools.containsKey(pool.name())) {
                throw new IllegalArgumentException("pool " + pool.name() + " exists");
            }
            for (Pool p : pools.values()) {
                if (p.prefix().overlaps(pool.prefix())) {
                    throw new IllegalArgumentException("prefix " + pool.prefix() + " overlaps pool " + p.name());
                }
            }
            pools.put(pool.name(), pool);
            return pool;
        }

        @Override
        public boolean deletePool(String name) {
            return pools.remove(name) != null;
        }

        @Override
        public Lease allocate(String pool, DeviceId device) {
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
        public boolean release(String pool, DeviceId device) {
            return false;
        }

        void addLease(String pool, String device, String address, LeaseState state, long seq) throws Exception {
            leases.add(new Lease(pool, DeviceId.of(device), InetAddress.getByName(address), state, seq,
                    Instant.parse("2030-01-01T10:00:00Z"), "node-a"));
        }
    }

    static final class Devices implements DeviceService {
        final Map<DeviceId, DeviceCredential> devices = new TreeMap<>();

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
            return c;
        }

        @Override
        public boolean remove(DeviceId id) {
            return devices.remove(id) != null;
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
}
