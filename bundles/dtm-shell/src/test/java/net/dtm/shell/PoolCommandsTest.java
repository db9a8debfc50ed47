package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.dtm.api.AddressRange;
import net.dtm.api.DtmException;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.api.fakes.FakePools;

class PoolCommandsTest extends PoolTestSupport {

    /** 10.66.0.0/29: blocks .2-.6 (5), .6 excluded; one lease in each state, one reserved; exhaustion figures. */
    private void smallPool() throws Exception {
        pools.createPool(Pool.of("small", "10.66.0.0/29", 600).withExcluded(List.of(AddressRange.parse("10.66.0.6"))));
        pools.addLease("small", "bus-1", "10.66.0.2", LeaseState.LOCKED, 1, Instant.parse("2030-01-01T09:01:00Z"), false);
        pools.addLease("small", "bus-2", "10.66.0.3", LeaseState.BOUND, 4, Instant.parse("2030-01-01T09:30:00Z"), true);
        pools.addLease("small", "bus-3", "10.66.0.4", LeaseState.BOUND, 2, Instant.parse("2030-01-01T08:59:00Z"), false);
        pools.addLease("small", "bus-4", "10.66.0.5", LeaseState.RELEASED, 3, Instant.parse("2030-01-01T08:00:00Z"), false);
        pools.exhausted("small", 2, Instant.parse("2030-01-01T08:30:00Z"), 17);
        pools.changes = 0;
    }

    private Pool v6Pool() {
        return Pool.of("v6", "2001:db8:100::/48", 3600).withDelegatedLength(64).withDevicePatterns(List.of("bus-*"))
                .withTunnelTypes(Set.of(TunnelType.VXLAN)).withExcluded(List.of(AddressRange.parse("2001:db8:100:ff00::/56")));
    }

    // pool:list

    @Test
    void listShowsWhatEachPoolHandsOutItsUseAndSelectionRule() throws Exception {
        smallPool();
        pools.createPool(v6Pool());
        PoolListCommand c = wire(new PoolListCommand());
        c.pools = pools;
        c.execute();
        String header = output().lines().findFirst().orElseThrow();
        assertContains(header, "Hands out", "Lease time (s)", "Used", "Capacity", "Use (%)", "Selection");
        assertTrue(line("demo").matches(".*10\\.64\\.0\\.0/16 +\\| address +\\| +3600 \\| +2 \\| +65533 \\| +0\\.0 \\| any device, any type.*"),
                line("demo"));
        // 3 of the 4 dynamic blocks held: locked, bound and quarantined (the reclaimable one is not counted).
        assertTrue(line("small").matches(".*\\| +3 \\| +5 \\| +75\\.0 \\|.*"), line("small"));
        assertContains(line("v6"), "2001:db8:100::/48", "/64 prefix", "65535", "devices bus-*; types vxlan");
    }

    @Test
    void listJson() throws Exception {
        PoolListCommand c = wire(new PoolListCommand());
        c.pools = pools;
        c.json = true;
        c.execute();
        assertEquals("[{\"name\":\"demo\",\"prefix\":\"10.64.0.0/16\",\"leaseSeconds\":3600,\"capacity\":65533,\"used\":2,"
                + "\"handsOut\":\"address\",\"utilisationPercent\":0.0,\"selection\":\"any device, any type\","
                + "\"delegatedLength\":32,\"devicePatterns\":[],\"tunnelTypes\":[]}]", output().trim());
    }

    @Test
    void listWithoutServiceSaysSo() {
        String m = refused(wire(new PoolListCommand()), "The address pool service");
        assertContains(m, "not available", "dtm-server");
    }

    @Test
    void listEmpty() throws Exception {
        PoolListCommand c = wire(new PoolListCommand());
        c.pools = new FakePools();
        c.execute();
        assertContains(output(), "no pools");
    }

    @Test
    void listReportsAStoreOutageOnOneLine() {
        pools.failure = new DtmException(DtmException.Reason.STORE_UNAVAILABLE, "the lease store is unreachable");
        PoolListCommand c = wire(new PoolListCommand());
        c.pools = pools;
        assertEquals("The lease store is unreachable (store-unavailable)", refused(c, "The lease store"));
    }

    // pool:create

    private PoolCreateCommand create(String name, String prefix) {
        PoolCreateCommand c = wire(new PoolCreateCommand());
        c.admin = pools;
        c.name = name;
        c.prefix = prefix;
        return c;
    }

    @Test
    void createWithEveryOption() throws Exception {
        PoolCreateCommand c = create("fleet", "10.65.0.0/24");
        c.leaseSeconds = 600;
        c.exclude = List.of("10.65.0.10-10.65.0.19", "10.65.0.200/29");
        c.devices = List.of("bus-*, train-?");
        c.types = List.of("vxlan,GRE");
        c.execute();
        Pool expected = Pool.of("fleet", "10.65.0.0/24", 600)
                .withExcluded(List.of(AddressRange.parse("10.65.0.10-10.65.0.19"), AddressRange.parse("10.65.0.200/29")))
                .withDevicePatterns(List.of("bus-*", "train-?")).withTunnelTypes(Set.of(TunnelType.VXLAN, TunnelType.GRE));
        assertEquals(expected, pools.pool("fleet").orElseThrow());
        assertEquals("Pool fleet created: 10.65.0.0/24 hands out addresses, lease time 600 s, 253 addresses (18 excluded), "
                + "serves devices bus-*,train-?; types vxlan,gre", output().trim());
    }

    @Test
    void createIpv6PrefixDelegationPool() throws Exception {
        PoolCreateCommand c = create("v6", "2001:db8:100::/48");
        c.delegate = 64;
        c.execute();
        assertEquals(64, pools.pool("v6").orElseThrow().delegatedLength());
        assertContains(output(), "Pool v6 created: 2001:db8:100::/48 hands out /64 prefixes", "65535 /64 prefixes");
    }

    @Test
    void createDefaultLeaseTimeIsOneHour() throws Exception {
        create("fleet", "10.65.0.0/24").execute();
        Pool created = pools.pool("fleet").orElseThrow();
        assertEquals(Pool.of("fleet", "10.65.0.0/24", 3600), created);
    }

    @Test
    void createRejectsMalformedPrefixesAndChangesNothing() {
        String[][] cases = {
            {"10.65.0.1/24", "host bits"},
            {"10.65.0.0", "no '/length'"},
            {"nonsense/8", "not an IP address"},
            {"10.65.0.0/31", "too small"},
            {"10.65.0.0/33", "length must be 0..32"},
        };
        for (String[] bad : cases) {
            assertContains(refused(create("fleet", bad[0]), "Pool not created: "), bad[1]);
        }
        assertEquals(1, pools.pools().size());
    }

    @Test
    void createRejectsOverlapWithTheServicesMessage() {
        assertEquals("Pool not created: prefix 10.64.1.0/24 overlaps pool demo (10.64.0.0/16)",
                refused(create("overlap", "10.64.1.0/24"), "Pool not created"));
        assertEquals("Pool not created: pool demo exists", refused(create("demo", "10.99.0.0/24"), "Pool not created"));
        assertFalse(pools.pool("overlap").isPresent());
    }

    @Test
    void createRejectsBadOptionsAndChangesNothing() {
        PoolCreateCommand c = create("fleet", "10.65.0.0/24");
        c.exclude = List.of("10.66.0.1-10.66.0.5");
        assertContains(refused(c, "Pool not created: "), "excluded range 10.66.0.1-10.66.0.5 is not inside 10.65.0.0/24");
        c.exclude = List.of("10.65.0.9-10.65.0.1");
        assertContains(refused(c, "Pool not created: "), "ends before it starts");
        c.exclude = List.of("10.65.0.9,");
        assertContains(refused(c, "Pool not created: "), "empty address range");
        c.exclude = null;
        c.types = List.of("vxlen");
        assertContains(refused(c, "Pool not created: "), "unknown tunnel type 'vxlen'");
        c.types = null;
        c.devices = List.of("bad pattern!");
        assertContains(refused(c, "Pool not created: "), "invalid device pattern");
        c.devices = null;
        c.delegate = 64;
        assertContains(refused(c, "Pool not created: "), "IPv4 pools hand out single addresses");
        c.leaseSeconds = 5;
        c.delegate = null;
        assertContains(refused(c, "Pool not created: "), "lease time 5 s outside 60..604800");
        c.leaseSeconds = 3600;
        c.name = "bad name";
        assertContains(refused(c, "Pool not created: "), "invalid pool name");
        PoolCreateCommand v6 = create("v6", "2001:db8:100::/48");
        v6.delegate = 40;
        assertContains(refused(v6, "Pool not created: "), "/40 must be longer than the pool's /48");
        assertEquals(List.of("demo"), pools.pools().stream().map(Pool::name).toList());
    }

    @Test
    void createWithoutService() {
        PoolCreateCommand c = create("x", "10.65.0.0/24");
        c.admin = null;
        refused(c, "The address pool service is not available");
    }

    // pool:delete

    private PoolDeleteCommand delete(String name) {
        PoolDeleteCommand c = wire(new PoolDeleteCommand());
        c.admin = pools;
        c.name = name;
        return c;
    }

    @Test
    void deleteRefusesWhileDevicesHoldLeasesSayingHowMany() {
        assertEquals("Pool not deleted: demo has 2 active leases (1 bound, 1 locked); use --force to delete it anyway",
                refused(delete("demo"), "Pool not deleted"));
        assertTrue(pools.pool("demo").isPresent());
    }

    @Test
    void deleteForced() throws Exception {
        PoolDeleteCommand c = delete("demo");
        c.force = true;
        c.execute();
        assertFalse(pools.pool("demo").isPresent());
        assertTrue(pools.leases((String) null).isEmpty());
        assertEquals("Pool demo deleted with its 2 bindings (2 active)", output().trim());
    }

    @Test
    void deleteWithoutActiveLeasesNeedsNoForce() throws Exception {
        smallPool();
        pools.leases.removeIf(l -> l.isActiveAt(FakePools.NOW));
        pools.changes = 0;
        delete("small").execute();
        assertFalse(pools.pool("small").isPresent());
        assertEquals("Pool small deleted with its 2 bindings (0 active)", output().trim());
    }

    @Test
    void deleteUnknownPool() {
        assertEquals("Pool not deleted: no pool named 'nope'", refused(delete("nope"), "Pool not deleted"));
    }

    // pool:show

    @Test
    void showPrintsTheFullDefinitionAndStats() throws Exception {
        pools.createPool(v6Pool());
        PoolShowCommand c = wire(new PoolShowCommand());
        c.pools = pools;
        c.name = "v6";
        c.execute();
        String out = output();
        assertTrue(line("prefix").contains("2001:db8:100::/48"), out);
        assertTrue(line("handsOut").contains("/64 prefix"), out);
        assertTrue(line("delegatedLength").contains("64"), out);
        assertTrue(line("gateway").contains("2001:db8:100::1"), out);
        assertTrue(line("firstAssignable").contains("2001:db8:100:1::/64"), out);
        assertTrue(line("lastAssignable").contains("2001:db8:100:ffff::/64"), out);
        assertTrue(line("excludedRanges").contains("2001:db8:100:ff00::-2001:db8:100:ffff:ffff:ffff:ffff:ffff"), out);
        assertTrue(line("devicePatterns").contains("bus-*"), out);
        assertTrue(line("tunnelTypes").contains("vxlan"), out);
        assertTrue(line("stats.capacity").contains("65535"), out);
        assertTrue(line("stats.excluded").contains("256"), out);
        assertTrue(line("stats.free").contains("65279"), out);
    }

    @Test
    void showDefaultsInWords() throws Exception {
        PoolShowCommand c = wire(new PoolShowCommand());
        c.pools = pools;
        c.name = "demo";
        c.execute();
        assertContains(line("excludedRanges"), "none");
        assertContains(line("devicePatterns"), "any device");
        assertContains(line("tunnelTypes"), "any type");
        assertContains(line("gateway"), "10.64.0.1");
        assertContains(line("stats.bound"), "1");
    }

    @Test
    void showJson() throws Exception {
        smallPool();
        PoolShowCommand c = wire(new PoolShowCommand());
        c.pools = pools;
        c.name = "small";
        c.json = true;
        c.execute();
        assertEquals("{\"name\":\"small\",\"prefix\":\"10.66.0.0/29\",\"handsOut\":\"address\",\"delegatedLength\":32,"
                + "\"gateway\":\"10.66.0.1\",\"firstAssignable\":\"10.66.0.2\",\"lastAssignable\":\"10.66.0.6\",\"leaseSeconds\":600,"
                + "\"excludedRanges\":[\"10.66.0.6\"],\"devicePatterns\":[],\"tunnelTypes\":[],\"selection\":\"any device, any type\","
                + "\"specificity\":0,\"stats\":{\"capacity\":5,\"excluded\":1,\"locked\":1,\"bound\":1,\"quarantined\":1,"
                + "\"reclaimable\":1,\"reserved\":1,\"used\":3,\"free\":0,\"utilisationPercent\":75.0,\"exhaustedEpisodes\":2,"
                + "\"exhaustedSince\":\"2030-01-01T08:30:00Z\",\"refusals\":17}}", output().trim());
    }

    @Test
    void showUnknownPool() {
        PoolShowCommand c = wire(new PoolShowCommand());
        c.pools = pools;
        c.name = "nope";
        assertEquals("No pool named 'nope'", refused(c, "No pool"));
    }

    // pool:stats

    @Test
    void statsOfEveryPool() throws Exception {
        smallPool();
        PoolStatsCommand c = wire(new PoolStatsCommand());
        c.pools = pools;
        c.execute();
        String header = output().lines().findFirst().orElseThrow();
        assertContains(header, "Capacity", "Excluded", "Locked", "Bound", "Quarantined", "Reclaimable", "Reserved", "Free",
                "Use (%)", "Exhaustions", "Exhausted since", "Refusals");
        assertEquals(List.of("small", "5", "1", "1", "1", "1", "1", "1", "0", "75.0", "2", "2030-01-01 08:30:00Z", "17"), cells(line("small")));
        assertEquals(List.of("demo", "65533", "0", "1", "1", "0", "0", "0", "65531", "0.0", "0", "", "0"), cells(line("demo")));
    }

    @Test
    void statsOfOnePoolJson() throws Exception {
        smallPool();
        PoolStatsCommand c = wire(new PoolStatsCommand());
        c.pools = pools;
        c.name = "demo";
        c.json = true;
        c.execute();
        assertEquals("{\"pool\":\"demo\",\"capacity\":65533,\"excluded\":0,\"locked\":1,\"bound\":1,\"quarantined\":0,"
                + "\"reclaimable\":0,\"reserved\":0,\"used\":2,\"free\":65531,\"utilisationPercent\":0.0,\"exhaustedEpisodes\":0,"
                + "\"exhaustedSince\":null,\"refusals\":0}", output().trim());
    }

    @Test
    void statsOfAllPoolsJsonIsAnArray() throws Exception {
        smallPool();
        PoolStatsCommand c = wire(new PoolStatsCommand());
        c.pools = pools;
        c.json = true;
        c.execute();
        String out = output().trim();
        assertTrue(out.startsWith("[{\"pool\":\"demo\",") && out.contains("},{\"pool\":\"small\",") && out.endsWith("}]"), out);
    }

    @Test
    void statsUnknownPool() {
        PoolStatsCommand c = wire(new PoolStatsCommand());
        c.pools = pools;
        c.name = "nope";
        assertEquals("No pool named 'nope'", refused(c, "No pool"));
    }

    private static List<String> cells(String line) {
        return java.util.Arrays.stream(line.split("\\|")).map(String::trim).toList();
    }
}
