package net.dtm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class LeaseLookupTest {

    private static final Pool DEMO = Pool.of("demo", "10.64.0.0/16", 3600);
    private static final Pool V6 = Pool.of("v6", "2001:db8:100::/48", 3600).withDelegatedLength(64);

    /** Leases in a list; counts the reads. */
    private static final class Leases implements AddressPoolService {
        final List<Lease> list = new ArrayList<>();
        int reads;

        Leases add(String pool, String device, String address) throws Exception {
            list.add(new Lease(pool, DeviceId.of(device), InetAddress.getByName(address), LeaseState.BOUND, 1,
                    Instant.parse("2030-01-01T00:00:00Z"), "node-a"));
            return this;
        }

        @Override public List<Pool> pools() { return List.of(DEMO, V6); }
        @Override public Optional<Pool> pool(String name) { return pools().stream().filter(p -> p.name().equals(name)).findFirst(); }
        @Override public List<Lease> leases(String pool) { return List.copyOf(list); }
        @Override public List<Lease> leases(LeaseQuery query) { return List.copyOf(list); }
        @Override public long used(String pool) { return list.size(); }
        @Override public PoolStats stats(String pool) { throw new UnsupportedOperationException(); }

        @Override
        public Optional<Lease> lease(String pool, DeviceId device) {
            reads++;
            return list.stream().filter(l -> l.pool().equals(pool) && l.device().equals(device)).findFirst();
        }

        @Override
        public Optional<Lease> leaseAt(String pool, InetAddress address) {
            reads++;
            return list.stream().filter(l -> l.pool().equals(pool) && l.address().equals(address)).findFirst();
        }
    }

    @Test
    void findsByDeviceByAddressAndADelegatedPrefixByAnyAddressInIt() throws Exception {
        Leases leases = new Leases().add("demo", "smr-1", "10.64.0.2").add("v6", "bus-1", "2001:db8:100:5::");
        assertEquals("10.64.0.2", address(LeaseLookup.find(leases, DEMO, "smr-1")));
        assertEquals("smr-1", LeaseLookup.find(leases, DEMO, "10.64.0.2").orElseThrow().device().value());
        assertEquals("bus-1", LeaseLookup.find(leases, V6, "2001:db8:100:5::42").orElseThrow().device().value());
    }

    @Test
    void anAddressWithoutALeaseFallsBackToTheDeviceOfThatId() throws Exception {
        Leases leases = new Leases().add("demo", "10.64.0.99", "10.64.0.50").add("demo", "10.99.0.1", "10.64.0.51");
        assertEquals("10.64.0.50", address(LeaseLookup.find(leases, DEMO, "10.64.0.99")));
        assertEquals("10.64.0.51", address(LeaseLookup.find(leases, DEMO, "10.99.0.1")), "outside the pool: a device id");
    }

    @Test
    void notFoundSaysWhatWasLookedFor() throws Exception {
        Leases leases = new Leases();
        assertTrue(LeaseLookup.find(leases, DEMO, "smr-9").isEmpty());
        assertEquals("device smr-9 has no lease in pool demo", LeaseLookup.notFound(DEMO, "smr-9"));
        assertEquals("no lease holds 10.64.0.77 in pool demo, and no device of that id has a lease there",
                LeaseLookup.notFound(DEMO, "10.64.0.77"));
        assertEquals("10.99.0.1 is outside pool demo (10.64.0.0/16), and no device of that id has a lease there",
                LeaseLookup.notFound(DEMO, "10.99.0.1"));
        // an address that is no device id (the blanks around it): only the address was looked for
        assertTrue(LeaseLookup.find(leases, DEMO, " 10.64.0.77 ").isEmpty());
        assertEquals("no lease holds 10.64.0.77 in pool demo", LeaseLookup.notFound(DEMO, " 10.64.0.77 "));
        assertTrue(LeaseLookup.find(leases, DEMO, " 10.99.0.1").isEmpty());
        assertEquals("10.99.0.1 is outside pool demo (10.64.0.0/16)", LeaseLookup.notFound(DEMO, " 10.99.0.1"));
    }

    @Test
    void aKeyThatIsNeitherIsRefusedBeforeAnyRead() {
        Leases leases = new Leases();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LeaseLookup.find(leases, DEMO, "bad id!"));
        assertTrue(e.getMessage().startsWith("invalid device id 'bad id!'"), e.getMessage());
        assertEquals(0, leases.reads);
    }

    private static String address(Optional<Lease> lease) {
        return Cidr.format(lease.orElseThrow().address());
    }
}
