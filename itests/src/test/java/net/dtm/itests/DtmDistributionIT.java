package net.dtm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.karaf.features.Feature;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.Cidr;
import net.dtm.api.ClusterService;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.api.LinkService;
import net.dtm.api.TunnelAgentService;
import net.dtm.api.TunnelServerService;
import net.dtm.api.TunnelStatus;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.PoolWatch;

/**
 * The distribution out of the box: the demo server, agent, three emulated 50 %-loss links and the
 * shell, all in one Karaf.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DtmDistributionIT extends DtmTestSupport {

    private static final String[] FEATURES = {"dtm-api", "dtm-store-derby", "dtm-store-zookeeper", "dtm-server", "dtm-agent",
        "dtm-link-emulated", "dtm-config", "dtm-vendor-linux", "dtm-shell", "dtm-demo"};
    private static final String[] MODULES = {"dtm-api", "dtm-protocol", "dtm-store-derby", "dtm-store-zookeeper", "dtm-pool",
        "dtm-server", "dtm-agent", "dtm-link-emulated", "dtm-config", "dtm-vendor-linux", "dtm-shell"};
    private static final DeviceId DEMO_DEVICE = DeviceId.of("smr-demo-1");
    private static final Cidr DEMO_PREFIX = Cidr.parse("10.64.0.0/16");

    @Test
    public void featuresAreInstalledAndBundlesActive() throws Exception {
        for (String name : FEATURES) {
            Feature feature = featuresService.getFeature(name);
            assertNotNull("feature " + name + " is not known", feature);
            assertTrue("feature " + name + " is not installed", featuresService.isInstalled(feature));
        }
        Map<String, Bundle> byModule = new TreeMap<>();
        for (Bundle bundle : bundleContext.getBundles()) {
            for (String module : MODULES) {
                if (bundle.getLocation().startsWith("mvn:net.dtm/" + module + "/")) {
                    byModule.put(module, bundle);
                }
            }
        }
        for (String module : MODULES) {
            Bundle bundle = byModule.get(module);
            assertNotNull("bundle " + module + " is not installed", bundle);
            awaitTrue(module + " active", Duration.ofSeconds(30), () -> bundle.getState() == Bundle.ACTIVE);
            assertEquals("symbolic name of " + module, "net.dtm." + module, bundle.getSymbolicName());
        }
    }

    @Test
    public void apiServicesAreRegistered() {
        TunnelServerService server = service(TunnelServerService.class);
        assertFalse(server.nodeId().isBlank());
        assertNotNull(service(AddressPoolAdminService.class));
        assertNotNull(service(DeviceService.class));
        assertNotNull(service(TunnelAgentService.class));
    }

    /**
     * Out of the box the node is standalone: the shipped etc/net.dtm.store.cfg says derby, the
     * Derby store serves with a cluster of one, and the ZooKeeper store, installed too, idles.
     */
    @Test
    public void standaloneByDefault() throws Exception {
        LeaseStore store = service(LeaseStore.class, "(dtm.store.type=derby)", SERVICE_TIMEOUT);
        service(DeviceStore.class, "(dtm.store.type=derby)", SERVICE_TIMEOUT);
        Cluster cluster = service(Cluster.class, "(dtm.cluster.type=standalone)", SERVICE_TIMEOUT);
        assertEquals("standalone", cluster.type());
        assertTrue("a cluster of one is connected", cluster.isConnected());
        assertTrue("a cluster of one is its own leader", cluster.isLeader());
        assertNotNull(store);

        awaitComponentsActive("net.dtm.dtm-store-zookeeper");
        assertEquals("one lease store", 1, references(LeaseStore.class, null).size());
        assertEquals("one cluster", 1, references(Cluster.class, null).size());
        assertEquals("no ZooKeeper store in derby mode", 0, references(LeaseStore.class, "(dtm.store.type=zookeeper)").size());
        assertEquals("no pool watch in derby mode", 0, references(PoolWatch.class, null).size());

        ClusterService clusterService = service(ClusterService.class);
        assertEquals("standalone", clusterService.mode());
        assertEquals(cluster.nodeId(), clusterService.local().id());
        assertEquals(java.util.List.of(clusterService.local().id()),
                clusterService.nodes().stream().map(n -> n.id()).collect(java.util.stream.Collectors.toList()));
        String nodes = executeCommand("node:list -j");
        assertTrue(nodes, nodes.startsWith("[{\"node\":\"" + cluster.nodeId() + "\",")
                && nodes.contains("\"state\":\"active\",\"leader\":true,"));
        String status = executeCommand("node:status -j");
        assertTrue(status, status.contains("\"mode\":\"standalone\""));
    }

    @Test
    public void demoAgentEstablishesOverLossyLinks() {
        TunnelStatus status = awaitEstablished();
        assertEquals(DEMO_DEVICE, status.device());
        assertTrue("inner address " + status.parameters().get().innerAddress() + " outside " + DEMO_PREFIX,
                DEMO_PREFIX.contains(status.parameters().get().innerAddress()));
        assertTrue(status.server().isPresent());
        assertTrue("establishment time " + status.lastEstablishMs(), status.lastEstablishMs() > 0);
        // The server holds the same binding the agent was given.
        AddressPoolAdminService pools = service(AddressPoolAdminService.class);
        assertEquals(status.parameters().get().innerAddress(),
                pools.lease("demo", DEMO_DEVICE).orElseThrow(() -> new AssertionError("no lease for " + DEMO_DEVICE)).address());
    }

    @Test
    public void poolCommands() throws Exception {
        String list = executeCommand("pool:list");
        assertTrue(list, list.contains("demo") && list.contains("10.64.0.0/16") && list.contains("3600"));

        String name = "itest-" + unique();
        int third = 1 + (int) (Math.random() * 250);
        String prefix = "10.200." + third + ".0/24";
        String created = executeCommand("pool:create --lease-seconds 600 " + name + " " + prefix);
        assertTrue(created, created.contains("Pool " + name + " created"));
        String json = executeCommand("pool:list -j");
        assertTrue(json, json.contains("{\"name\":\"" + name + "\",\"prefix\":\"" + prefix + "\",\"leaseSeconds\":600,\"capacity\":253,\"used\":0,"));

        // Reservation, lease lookup, stats and release through the shell, on the real pool manager and Derby.
        String vip = "10.200." + third + ".9";
        String reserved = executeCommand("lease:reserve " + name + " itest-vip " + vip);
        assertTrue(reserved, reserved.contains("Reserved " + vip + " in pool " + name + " for itest-vip"));
        String shown = executeCommand("lease:show -j " + name + " itest-vip");
        assertTrue(shown, shown.contains("\"address\":\"" + vip + "\"") && shown.contains("\"reserved\":true"));
        String stats = executeCommand("pool:stats -j " + name);
        assertTrue(stats, stats.contains("\"reserved\":1") && stats.contains("\"capacity\":253"));
        String leases = executeCommand("lease:list --pool " + name);
        assertTrue(leases, leases.contains("itest-vip"));
        try {
            executeCommand("lease:reserve " + name + " itest-other " + vip);
            fail("an address reserved for one device was reserved for another");
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().contains("held by device itest-vip"));
        }
        String deleted = executeCommand("pool:delete " + name);
        assertTrue(deleted, deleted.contains(name));
        assertFalse(executeCommand("pool:list").contains(name));

        // Bad input: a clear error and nothing changed.
        String bad = "itest-bad-" + unique();
        try {
            executeCommand("pool:create " + bad + " 10.201.0.1/24");
            fail("a prefix with host bits was accepted");
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().contains("Pool not created") && e.getMessage().contains("host bits"));
        }
        assertFalse(executeCommand("pool:list").contains(bad));
    }

    /** A pool defined by a factory configuration, as an operator's etc/net.dtm.pool.define-*.cfg file does. */
    @Test
    public void poolFromConfigurationAdmin() throws Exception {
        String name = "cfg-" + unique();
        int third = 1 + (int) (Math.random() * 250);
        AddressPoolAdminService pools = service(AddressPoolAdminService.class);
        org.osgi.service.cm.Configuration good = poolDefinition(name);
        java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put("name", name);
        props.put("prefix", "10.210." + third + ".0/24");
        props.put("lease.seconds", "900");
        props.put("exclude", "10.210." + third + ".2-10.210." + third + ".99");
        props.put("devices", "bus-*");
        good.update(props);
        awaitTrue("pool " + name + " created from configuration", SERVICE_TIMEOUT, () -> pools.pool(name).isPresent());
        net.dtm.api.Pool pool = pools.pool(name).orElseThrow();
        assertEquals(900, pool.leaseSeconds());
        assertEquals(98, pool.excludedCount());
        assertEquals(java.util.List.of("bus-*"), pool.devicePatterns());
        assertEquals(Cidr.parseLiteral("10.210." + third + ".100"), pools.allocate(name, DeviceId.of("bus-1")).address());

        // An overlapping definition changes nothing; the pool is not created.
        String bad = "cfgbad-" + unique();
        org.osgi.service.cm.Configuration overlapping = poolDefinition(bad);
        java.util.Hashtable<String, Object> badProps = new java.util.Hashtable<>();
        badProps.put("name", bad);
        badProps.put("prefix", "10.210." + third + ".128/25");
        overlapping.update(badProps);
        // Configuration events reach DS in order on one thread, so once this later change of the good definition shows,
        // the bad definition has been handled.
        props.put("lease.seconds", "1200");
        good.update(props);
        awaitTrue("pool " + name + " updated from configuration", SERVICE_TIMEOUT,
                () -> pools.pool(name).map(p -> p.leaseSeconds() == 1200).orElse(false));
        assertFalse(pools.pool(bad).isPresent());
        overlapping.delete();
        good.delete();
        assertTrue("deleting the configuration keeps the pool and its leases", pools.lease(name, DeviceId.of("bus-1")).isPresent());
        pools.deletePool(name);
    }

    /**
     * A new factory configuration of a pool definition. Configuration Admin is a service factory:
     * the instance this bundle gets stays usable only while it is held, so it is got here directly
     * (and released when the test bundle goes) rather than through {@link #service}, which lets go.
     */
    private org.osgi.service.cm.Configuration poolDefinition(String name) throws java.io.IOException {
        service(org.osgi.service.cm.ConfigurationAdmin.class); // waits until it is registered
        org.osgi.framework.ServiceReference<org.osgi.service.cm.ConfigurationAdmin> ref =
                bundleContext.getServiceReference(org.osgi.service.cm.ConfigurationAdmin.class);
        return bundleContext.getService(ref).getFactoryConfiguration("net.dtm.pool.define", name, "?");
    }

    @Test
    public void deviceCommands() throws Exception {
        String id = "itest-dev-" + unique();
        String added = executeCommand("device:add " + id);
        Matcher key = Pattern.compile("Key: ([0-9a-f]{64})").matcher(added);
        assertTrue(added, key.find());
        assertTrue(added, added.contains("not shown again"));

        String list = executeCommand("device:list");
        assertTrue(list, list.contains(id));
        assertFalse("device:list shows a key", list.contains(key.group(1)));
        assertTrue(executeCommand("device:list --json").contains("\"id\":\"" + id + "\""));

        try {
            executeCommand("device:add " + id);
            fail("a device was enrolled twice");
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().contains("Device not enrolled"));
        }
        try {
            executeCommand("device:add --key 1234 itest-dev-" + unique());
            fail("a short key was accepted");
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().contains("64 hex digits"));
        }

        // Revocation through the real shell: re-key with an overlap, from a key file, disable, enable, remove.
        String rekeyed = executeCommand("device:rekey --overlap 15m " + id);
        Matcher newKey = Pattern.compile("Key: ([0-9a-f]{64})").matcher(rekeyed);
        assertTrue(rekeyed, newKey.find() && !newKey.group(1).equals(key.group(1)));
        assertTrue(rekeyed, rekeyed.contains("Its old key is accepted until"));
        java.nio.file.Path keyFile = java.nio.file.Files.createTempFile("itest-key", ".hex");
        java.nio.file.Files.writeString(keyFile, "ab".repeat(32) + "\n");
        String fromFile = executeCommand("device:rekey --key-file " + keyFile + " " + id);
        assertTrue(fromFile, fromFile.contains("the one you supplied") && !fromFile.contains("ab".repeat(32)));
        assertTrue(executeCommand("device:disable " + id).contains("disabled"));
        String json = executeCommand("device:list --json");
        assertTrue(json, json.contains("\"id\":\"" + id + "\"") && json.contains("\"disabled\":true"));
        assertTrue(executeCommand("device:enable " + id).contains("enabled"));
        assertTrue(executeCommand("device:remove " + id).contains("removed"));
        assertFalse(executeCommand("device:list").contains(id));
        try {
            executeCommand("device:disable " + id);
            fail("a removed device was disabled");
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().contains("is not enrolled"));
        }
    }

    @Test
    public void tunnelAndLeaseCommands() throws Exception {
        TunnelStatus status = awaitEstablished();
        String address = status.parameters().get().innerAddress().getHostAddress();

        String tunnel = executeCommand("tunnel:status");
        assertTrue(tunnel, tunnel.contains("smr-demo-1") && tunnel.contains(address));
        assertTrue(tunnel, tunnel.contains("ESTABLISHED") || tunnel.contains("RENEWING"));

        String leases = executeCommand("lease:list --pool demo --device smr-demo-1");
        assertTrue(leases, leases.contains("smr-demo-1") && leases.contains(address) && leases.contains("demo"));
        String json = executeCommand("lease:list -j -d smr-demo-1");
        assertTrue(json, json.contains("\"device\":\"smr-demo-1\"") && json.contains("\"address\":\"" + address + "\""));
        try {
            executeCommand("lease:list --pool no-such-pool-" + unique());
            fail("an unknown pool was accepted");
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().contains("No pool named"));
        }
    }

    /**
     * The configuration module as shipped in the server distribution: the linux adapter is
     * installed and listed, the demo agent's own tunnel is not built on this host (enabled = false),
     * and the config: commands answer with clear errors for an end that does not exist.
     */
    @Test
    public void configurationModuleAndVendorAdapter() throws Exception {
        net.dtm.api.config.ConfigurationService config = service(net.dtm.api.config.ConfigurationService.class);
        awaitTrue("the linux adapter", Duration.ofSeconds(30),
                () -> config.adapters().stream().anyMatch(a -> a.vendor().equals("linux")));
        String vendors = executeCommand("vendor:list");
        assertTrue(vendors, vendors.contains("linux") && vendors.contains("net.dtm.dtm-vendor-linux"));
        awaitEstablished();
        assertTrue("no router end on a server node: " + config.ends(), config.ends().isEmpty());
        String show = executeCommand("config:show");
        assertFalse(show, show.contains("dtm0"));
        try {
            executeCommand("config:history no-such-end");
            executeCommand("config:apply no-such-end");
            fail("an unknown end was accepted");
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no-such-end"));
        }
    }

    @Test
    public void linkCommands() throws Exception {
        LinkService links = service(LinkService.class);
        awaitTrue("three demo links", Duration.ofSeconds(30), () -> links.links().size() == 3);
        String list = executeCommand("link:list");
        for (String id : new String[] {"5g", "lte", "sat"}) {
            assertTrue(list, list.lines().anyMatch(l -> l.trim().startsWith(id + " ")));
        }
        assertTrue(list, list.contains("satellite") && list.contains("RTT (ms)"));
        String json = executeCommand("link:list -j");
        assertTrue(json, json.contains("\"id\":\"5g\"") && json.contains("\"id\":\"lte\"") && json.contains("\"id\":\"sat\""));
        String stats = executeCommand("link:stats lte");
        assertTrue(stats, stats.contains("lte") && stats.contains("datagramsSent"));
        try {
            executeCommand("link:stats no-such-link");
            fail("an unknown link was accepted");
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().contains("No link named"));
        }
        assertTrue(executeCommand("link:disable sat").contains("Link sat disabled"));
        assertFalse(links.link("sat").get().enabled());
        assertTrue(executeCommand("link:enable sat").contains("Link sat enabled"));
        assertTrue(links.link("sat").get().enabled());
    }

    /**
     * {@code bundle:update} of the emulated link driver while the agent is establishing: its three
     * links go and come back as new driver services, and the tunnel is not lost.
     */
    @Test
    public void updatingTheLinkDriverBundleLosesNoTunnel() throws Exception {
        TunnelAgentService agent = service(TunnelAgentService.class);
        LinkService links = service(LinkService.class);
        TunnelStatus before = awaitEstablished();
        awaitTrue("three demo links", Duration.ofSeconds(30), () -> links.links().size() == 3);
        Bundle driver = null;
        for (Bundle b : bundleContext.getBundles()) {
            if (b.getLocation().startsWith("mvn:net.dtm/dtm-link-emulated/")) {
                driver = b;
            }
        }
        assertNotNull("emulated link bundle", driver);
        long oldBundleId = driver.getBundleId();
        java.time.Instant updated = java.time.Instant.now();

        agent.reestablish();   // the update hits the agent while it is establishing
        driver.update();

        Bundle d = driver;
        awaitTrue("emulated link bundle active again", Duration.ofSeconds(30), () -> d.getState() == Bundle.ACTIVE);
        awaitTrue("three links again", Duration.ofSeconds(30), () -> links.links().size() == 3);
        assertEquals(oldBundleId, driver.getBundleId());
        awaitTrue("established again after the update", Duration.ofSeconds(60), () -> {
            TunnelStatus s = agent.status();
            return s.state() == TunnelStatus.State.ESTABLISHED && s.establishedAt().isPresent()
                    && s.establishedAt().get().isAfter(updated);
        });
        assertEquals("same address after the driver update", before.parameters().get().innerAddress(),
                agent.status().parameters().get().innerAddress());

        // And it keeps working over the new drivers.
        java.time.Instant again = java.time.Instant.now();
        agent.reestablish();
        awaitTrue("re-established over the new drivers", Duration.ofSeconds(60), () -> {
            TunnelStatus s = agent.status();
            return s.state() == TunnelStatus.State.ESTABLISHED && s.establishedAt().isPresent()
                    && s.establishedAt().get().isAfter(again);
        });
        assertEquals(before.parameters().get().innerAddress(), agent.status().parameters().get().innerAddress());
        assertTrue("the new drivers carried it", links.links().stream().mapToLong(l -> l.datagramsSent()).sum() > 0);
    }

    private TunnelStatus awaitEstablished() {
        TunnelAgentService agent = service(TunnelAgentService.class);
        awaitTrue("demo agent established", Duration.ofSeconds(60), () -> {
            TunnelStatus s = agent.status();
            return (s.state() == TunnelStatus.State.ESTABLISHED || s.state() == TunnelStatus.State.RENEWING)
                    && s.parameters().isPresent();
        });
        return agent.status();
    }
}
