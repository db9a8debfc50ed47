package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.fakes.FakePools;

class LeaseCommandsTest extends PoolTestSupport {

    private static final Pattern NEXT = Pattern.compile("More leases follow\\. Next page: (lease:list.*) --after (\\S+)");

    private LeaseListCommand list() {
        LeaseListCommand c = wire(new LeaseListCommand());
        c.pools = pools;
        return c;
    }

    private Lease lease(String pool, String device) {
        return pools.lease(pool, DeviceId.of(device)).orElseThrow();
    }

    /** Pool big, 10.70.0.0/24, with {@code n} bound leases on .2 upwards, added in shuffled order. */
    private void bigPool(int n) throws Exception {
        pools.createPool(Pool.of("big", "10.70.0.0/24", 3600));
        List<Integer> hosts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hosts.add(2 + i);
        }
        java.util.Collections.shuffle(hosts, new java.util.Random(7));
        for (int h : hosts) {
            pools.addLease("big", "bus-" + h, "10.70.0." + h, LeaseState.BOUND, 1);
        }
        pools.changes = 0;
    }

    // lease:list

    @Test
    void listShowsEveryColumn() throws Exception {
        pools.addLease("demo", "smr-3", "10.64.0.10", LeaseState.BOUND, 2, Instant.parse("2030-01-01T08:00:00Z"), true);
        LeaseListCommand c = list();
        c.execute();
        assertContains(output().lines().findFirst().orElseThrow(), "Pool", "Device", "Address", "State", "Reserved", "Sequence",
                "Expires", "Node");
        assertContains(line("demo | smr-1"), "10.64.0.2", "BOUND", "no", "7", "2030-01-01 10:00:00Z", "node-a");
        assertContains(line("demo | smr-2"), "10.64.0.3", "LOCKED");
        assertContains(line("demo | smr-3"), "10.64.0.10", "BOUND (expired)", "yes");
        assertFalse(output().contains("More leases"), output());
    }

    @Test
    void listOrdersByAddressNumerically() throws Exception {
        pools.addLease("demo", "smr-3", "10.64.0.10", LeaseState.BOUND, 2);
        LeaseListCommand c = list();
        c.json = true;
        c.execute();
        String out = output();
        assertTrue(out.indexOf("10.64.0.2\"") < out.indexOf("10.64.0.3\"") && out.indexOf("10.64.0.3\"") < out.indexOf("10.64.0.10\""), out);
    }

    @Test
    void listFiltersByDeviceJson() throws Exception {
        LeaseListCommand c = list();
        c.device = "smr-2";
        c.json = true;
        c.execute();
        assertEquals("[{\"pool\":\"demo\",\"device\":\"smr-2\",\"address\":\"10.64.0.3\",\"state\":\"LOCKED\",\"sequence\":1,"
                + "\"expires\":\"2030-01-01T10:00:00Z\",\"node\":\"node-a\",\"reserved\":false,\"expired\":false}]", output().trim());
        assertEquals(Optional.of(DeviceId.of("smr-2")), pools.queries.get(0).device());
    }

    @Test
    void listFiltersByPoolAndDevice() throws Exception {
        bigPool(3);
        LeaseListCommand c = list();
        c.pool = "demo";
        c.device = "smr-1";
        c.execute();
        assertContains(output(), "smr-1");
        assertFalse(output().contains("smr-2"));
        assertEquals(Optional.of("demo"), pools.queries.get(0).pool());
    }

    @Test
    void listFiltersByStateAndExpiry() throws Exception {
        pools.addLease("demo", "smr-3", "10.64.0.4", LeaseState.BOUND, 2, Instant.parse("2030-01-01T08:00:00Z"), false);
        pools.addLease("demo", "smr-4", "10.64.0.5", LeaseState.RELEASED, 2, Instant.parse("2030-01-01T08:00:00Z"), false);
        assertEquals(List.of("smr-2"), devices(c -> c.state = "locked"));
        assertEquals(List.of("smr-1", "smr-3"), devices(c -> c.state = "BOUND"));
        assertEquals(List.of("smr-3", "smr-4"), devices(c -> c.expired = true));
        assertEquals(List.of("smr-1", "smr-2"), devices(c -> c.active = true));
        assertEquals(List.of("smr-3"), devices(c -> {
            c.state = "bound";
            c.expired = true;
        }));
    }

    private List<String> devices(java.util.function.Consumer<LeaseListCommand> options) throws Exception {
        buffer.reset();
        LeaseListCommand c = list();
        c.json = true;
        options.accept(c);
        c.execute();
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"device\":\"([^\"]+)\"").matcher(output());
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void listRefusesBadOptions() throws Exception {
        bigPool(1);
        LeaseListCommand c = list();
        c.state = "lockd";
        assertEquals("Unknown lease state 'lockd', expected one of locked, bound, released", refused(c, "Unknown lease state"));
        c = list();
        c.expired = true;
        c.active = true;
        assertContains(refused(c, "--expired and --active exclude each other"));
        for (int bad : new int[] {0, -1, 10_001}) {
            c = list();
            c.limit = bad;
            assertEquals("--limit " + bad + " is outside 1..10000", refused(c, "--limit"));
        }
        c = list();
        c.pool = "demo";
        c.after = "10.70.0.5";
        assertEquals("10.70.0.5 is outside pool demo (10.64.0.0/16)", refused(c, "10.70.0.5"));
        c = list();
        c.after = "10.99.0.1";
        assertEquals("No pool contains 10.99.0.1 (the --after address)", refused(c, "No pool contains"));
        c = list();
        c.after = "10.64.0.300";
        assertEquals("'10.64.0.300' is not an IP address", refused(c, "'10.64.0.300'"));
        assertTrue(pools.queries.isEmpty(), "a refused listing queried the service");
    }

    @Test
    void listUnknownPoolIsAnError() {
        LeaseListCommand c = list();
        c.pool = "nope";
        assertEquals("No pool named 'nope'", refused(c, "No pool named"));
    }

    @Test
    void listBadDeviceIdIsAnError() {
        LeaseListCommand c = list();
        c.device = "bad id!";
        assertContains(refused(c, "Invalid device id 'bad id!'"));
    }

    @Test
    void listEmptyAndMissingService() throws Exception {
        refused(wire(new LeaseListCommand()), "The address pool service is not available");
        LeaseListCommand c = wire(new LeaseListCommand());
        c.pools = new FakePools();
        c.execute();
        assertContains(output(), "no leases");
    }

    @Test
    void listStoreOutageIsOneLineWithTheReason() {
        pools.failure = new DtmException(DtmException.Reason.STORE_UNAVAILABLE, "no ZooKeeper quorum");
        assertEquals("No ZooKeeper quorum (store-unavailable)", refused(list(), "No ZooKeeper quorum"));
    }

    /** Follows the printed next-page lines to the end; returns every address listed, in order. */
    private List<String> allPages(LeaseListCommand first, List<String> nextLines) throws Exception {
        List<String> addresses = new ArrayList<>();
        LeaseListCommand c = first;
        while (true) {
            buffer.reset();
            c.execute();
            String out = output();
            out.lines().filter(l -> l.contains(" | ") && !l.trim().startsWith("Pool ")).forEach(l -> addresses.add(l.split("\\|")[2].trim()));
            Matcher m = NEXT.matcher(out);
            if (!m.find()) {
                return addresses;
            }
            nextLines.add(m.group(1) + " --after " + m.group(2));
            LeaseListCommand next = list();
            next.pool = first.pool;
            next.limit = first.limit;
            next.after = m.group(2);
            c = next;
        }
    }

    @Test
    void pagingWithinOnePoolVisitsEveryLeaseOnceInAddressOrder() throws Exception {
        bigPool(25);
        LeaseListCommand c = list();
        c.pool = "big";
        c.limit = 10;
        List<String> next = new ArrayList<>();
        List<String> addresses = allPages(c, next);
        List<String> expected = new ArrayList<>();
        for (int h = 2; h < 27; h++) {
            expected.add("10.70.0." + h);
        }
        assertEquals(expected, addresses);
        assertEquals(List.of("lease:list --pool big --limit 10 --after 10.70.0.11", "lease:list --pool big --limit 10 --after 10.70.0.21"),
                next);
        assertEquals(Optional.of(InetAddress.getByName("10.70.0.11")), pools.queries.get(1).after());
    }

    @Test
    void aFullLastPageSaysNothingMore() throws Exception {
        bigPool(20);
        LeaseListCommand c = list();
        c.pool = "big";
        c.limit = 10;
        List<String> next = new ArrayList<>();
        assertEquals(20, allPages(c, next).size());
        assertEquals(List.of("lease:list --pool big --limit 10 --after 10.70.0.11"), next);
    }

    @Test
    void pagingAcrossPoolsGoesOnFromThePoolOfTheLastAddress() throws Exception {
        bigPool(25);
        LeaseListCommand c = list();
        c.limit = 20;
        List<String> next = new ArrayList<>();
        List<String> addresses = allPages(c, next);
        // Pools in name order (big before demo), addresses in order within each.
        assertEquals(27, addresses.size());
        assertEquals("10.70.0.2", addresses.get(0));
        assertEquals("10.70.0.26", addresses.get(24));
        assertEquals(List.of("10.64.0.2", "10.64.0.3"), addresses.subList(25, 27));
        assertEquals(List.of("lease:list --limit 20 --after 10.70.0.21"), next);
    }

    @Test
    void theNextPageLineKeepsEveryFilterAndDefaultLimitIsHundred() throws Exception {
        bigPool(120);
        LeaseListCommand c = list();
        c.pool = "big";
        c.state = "Bound";
        c.active = true;
        c.device = null;
        c.execute();
        assertEquals(101, pools.queries.get(0).limit());
        assertEquals(100, output().lines().filter(l -> l.contains("| big ") || l.startsWith("big ")).count(), output());
        Matcher m = NEXT.matcher(output());
        assertTrue(m.find(), output());
        assertEquals("lease:list --pool big --state bound --active --after 10.70.0.101", m.group(1) + " --after " + m.group(2));
    }

    @Test
    void delegatedPrefixesAreShownAsPrefixes() throws Exception {
        pools.createPool(Pool.of("v6", "2001:db8:100::/48", 3600).withDelegatedLength(64));
        pools.addLease("v6", "bus-1", "2001:db8:100:5::", LeaseState.BOUND, 1);
        LeaseListCommand c = list();
        c.pool = "v6";
        c.execute();
        assertContains(line("v6"), "2001:db8:100:5::/64");
        buffer.reset();
        c.json = true;
        c.execute();
        assertContains(output(), "\"address\":\"2001:db8:100:5::\"", "\"delegatedPrefix\":\"2001:db8:100:5::/64\"");
    }

    // lease:show

    private LeaseShowCommand show(String pool, String key) {
        LeaseShowCommand c = wire(new LeaseShowCommand());
        c.pools = pools;
        c.pool = pool;
        c.key = key;
        return c;
    }

    @Test
    void showByDeviceAndByAddress() throws Exception {
        show("demo", "smr-2").execute();
        String byDevice = output();
        assertContains(line("device"), "smr-2");
        assertContains(line("address"), "10.64.0.3");
        assertContains(line("state"), "LOCKED");
        assertContains(line("innerAddress"), "10.64.0.3/16");
        assertContains(line("gateway"), "10.64.0.1");
        buffer.reset();
        show("demo", "10.64.0.3").execute();
        assertEquals(byDevice, output());
    }

    @Test
    void showJson() throws Exception {
        LeaseShowCommand c = show("demo", "smr-1");
        c.json = true;
        c.execute();
        assertEquals("{\"pool\":\"demo\",\"device\":\"smr-1\",\"address\":\"10.64.0.2\",\"state\":\"BOUND\",\"sequence\":7,"
                + "\"expires\":\"2030-01-01T10:00:00Z\",\"node\":\"node-a\",\"reserved\":false,\"expired\":false,"
                + "\"innerAddress\":\"10.64.0.2/16\",\"gateway\":\"10.64.0.1\"}", output().trim());
    }

    @Test
    void showFindsADelegatedPrefixByAnyAddressInIt() throws Exception {
        pools.createPool(Pool.of("v6", "2001:db8:100::/48", 3600).withDelegatedLength(64));
        pools.addLease("v6", "bus-1", "2001:db8:100:5::", LeaseState.BOUND, 1);
        show("v6", "2001:db8:100:5::1").execute();
        assertContains(line("device"), "bus-1");
        assertContains(line("innerAddress"), "2001:db8:100:5::1/64");
    }

    @Test
    void showADeviceWhoseIdLooksLikeAnAddress() throws Exception {
        pools.addLease("demo", "10.64.0.99", "10.64.0.50", LeaseState.BOUND, 1);
        show("demo", "10.64.0.99").execute();
        assertContains(line("address"), "10.64.0.50");
    }

    @Test
    void showNotFound() {
        assertEquals("Device smr-9 has no lease in pool demo", refused(show("demo", "smr-9"), "Device smr-9"));
        assertEquals("No lease holds 10.64.0.99 in pool demo, and no device of that id has a lease there",
                refused(show("demo", "10.64.0.99"), "No lease holds"));
        assertEquals("10.99.0.1 is outside pool demo (10.64.0.0/16), and no device of that id has a lease there",
                refused(show("demo", "10.99.0.1"), "10.99.0.1 is outside"));
        assertEquals("No pool named 'nope'", refused(show("nope", "smr-1"), "No pool named"));
        assertContains(refused(show("demo", "bad id!"), "Invalid device id"));
    }

    // lease:release

    private LeaseReleaseCommand release(String pool, String device) {
        LeaseReleaseCommand c = wire(new LeaseReleaseCommand());
        c.admin = pools;
        c.pool = pool;
        c.device = device;
        return c;
    }

    @Test
    void releaseSaysWhatItDid() throws Exception {
        release("demo", "smr-1").execute();
        assertEquals("Released the lease of smr-1 on 10.64.0.2 in pool demo (was BOUND)", output().trim());
        assertEquals(LeaseState.RELEASED, lease("demo", "smr-1").state());
        assertEquals(LeaseState.LOCKED, lease("demo", "smr-2").state());
    }

    @Test
    void releaseOfAReservationSaysTheAddressStaysReserved() throws Exception {
        pools.addLease("demo", "smr-3", "10.64.0.10", LeaseState.BOUND, 2, Instant.parse("2030-01-01T10:00:00Z"), true);
        release("demo", "smr-3").execute();
        assertContains(output(), "Released the lease of smr-3 on 10.64.0.10 in pool demo (was BOUND)",
                "The address stays reserved for smr-3; lease:reserve --remove demo smr-3 ends the reservation.");
    }

    @Test
    void releaseRefusals() {
        assertEquals("Lease not released: device smr-9 has no lease in pool demo", refused(release("demo", "smr-9"), "Lease not released"));
        assertEquals("Lease not released: no pool named 'nope'", refused(release("nope", "smr-1"), "Lease not released"));
        assertContains(refused(release("demo", "bad id!"), "Lease not released: invalid device id"));
        refused(wire(new LeaseReleaseCommand()), "The address pool service is not available");
    }

    // lease:reserve

    private LeaseReserveCommand reserve(String pool, String device, String address) {
        LeaseReserveCommand c = wire(new LeaseReserveCommand());
        c.admin = pools;
        c.pool = pool;
        c.device = device;
        c.address = address;
        return c;
    }

    @Test
    void reserveAFreeAddressGivesUpTheDevicesOtherLease() throws Exception {
        reserve("demo", "smr-1", "10.64.0.50").execute();
        assertEquals("Reserved 10.64.0.50 in pool demo for smr-1; its lease on 10.64.0.2 was given up", output().trim());
        Lease l = lease("demo", "smr-1");
        assertTrue(l.reserved());
        assertEquals(InetAddress.getByName("10.64.0.50"), l.address());
    }

    @Test
    void reserveTheDevicesOwnAddress() throws Exception {
        reserve("demo", "smr-1", "10.64.0.2").execute();
        assertEquals("Reserved 10.64.0.2 in pool demo for smr-1", output().trim());
        assertTrue(lease("demo", "smr-1").reserved());
    }

    @Test
    void reserveRefusesAnAddressOutsideThePoolOrNotAssignable() throws Exception {
        assertEquals("Address not reserved: 10.99.0.1 is outside pool demo (10.64.0.0/16)",
                refused(reserve("demo", "smr-1", "10.99.0.1"), "Address not reserved"));
        assertEquals("Address not reserved: 10.64.0.1 cannot be handed out in pool demo: it is the gateway",
                refused(reserve("demo", "smr-1", "10.64.0.1"), "Address not reserved"));
        assertEquals("Address not reserved: 10.64.0.0 cannot be handed out in pool demo: it is the network address",
                refused(reserve("demo", "smr-1", "10.64.0.0"), "Address not reserved"));
        assertEquals("Address not reserved: 10.64.255.255 cannot be handed out in pool demo: it is the broadcast address",
                refused(reserve("demo", "smr-1", "10.64.255.255"), "Address not reserved"));
        assertEquals("Address not reserved: '10.64.0.300' is not an IP address",
                refused(reserve("demo", "smr-1", "10.64.0.300"), "Address not reserved"));
        pools.createPool(Pool.of("v6", "2001:db8:100::/48", 3600).withDelegatedLength(64));
        pools.changes = 0;
        assertEquals("Address not reserved: 2001:db8:100:5::1 cannot be handed out in pool v6: it is not the start of a /64 prefix",
                refused(reserve("v6", "smr-1", "2001:db8:100:5::1"), "Address not reserved"));
        pools.createPool(Pool.of("v6single", "2001:db8:200::/64", 3600));
        pools.changes = 0;
        assertEquals("Address not reserved: 2001:db8:200:0:ffff:ffff:ffff:ffff cannot be handed out in pool v6single: it lies outside "
                + "the pool's assignable blocks (2001:db8:200::2 to 2001:db8:200:0:3fff:ffff:ffff:ffff)",
                refused(reserve("v6single", "smr-1", "2001:db8:200::ffff:ffff:ffff:ffff"), "Address not reserved"));
        assertFalse(lease("demo", "smr-1").reserved());
    }

    @Test
    void showAnAddressHighInAHugePool() throws Exception {
        pools.createPool(Pool.of("v6single", "2001:db8:200::/64", 3600));
        assertEquals("No lease holds 2001:db8:200:0:ffff:ffff:ffff:ffff in pool v6single, and no device of that id has a lease there",
                refused(show("v6single", "2001:db8:200:0:ffff:ffff:ffff:ffff"), "No lease holds"));
    }

    @Test
    void reserveRefusesAnAddressHeldByAnotherDevice() {
        assertEquals("Address not reserved: 10.64.0.3 is held by device smr-2",
                refused(reserve("demo", "smr-1", "10.64.0.3"), "Address not reserved"));
        assertEquals("10.64.0.2", lease("demo", "smr-1").address().getHostAddress());
        assertFalse(lease("demo", "smr-2").reserved());
    }

    @Test
    void reserveNeedsAnAddressAndRemoveTakesNone() {
        assertEquals("Address not reserved: no address given: lease:reserve demo smr-1 <address>, or --remove to drop a reservation",
                refused(reserve("demo", "smr-1", null), "Address not reserved"));
        LeaseReserveCommand c = reserve("demo", "smr-1", "10.64.0.2");
        c.remove = true;
        assertEquals("Reservation not removed: --remove takes no address: lease:reserve --remove demo smr-1",
                refused(c, "Reservation not removed"));
        assertEquals("Address not reserved: no pool named 'nope'", refused(reserve("nope", "smr-1", "10.64.0.9"), "Address not reserved"));
    }

    @Test
    void removeAReservation() throws Exception {
        reserve("demo", "smr-1", "10.64.0.2").execute();
        buffer.reset();
        LeaseReserveCommand c = reserve("demo", "smr-1", null);
        c.remove = true;
        c.execute();
        assertEquals("Reservation of 10.64.0.2 for smr-1 in pool demo removed: it is an ordinary lease now, aged and reclaimed like any other",
                output().trim());
        assertFalse(lease("demo", "smr-1").reserved());
        buffer.reset();
        assertEquals("Reservation not removed: device smr-1 has no reservation in pool demo", refused(c, "Reservation not removed"));
    }
}
