package net.dtm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.karaf.features.Feature;
import org.apache.zookeeper.KeeperException;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

import net.dtm.api.ClusterService;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.NodeState;
import net.dtm.api.TunnelAgentService;
import net.dtm.api.TunnelStatus;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.PoolWatch;

/**
 * The distribution in cluster mode, chosen by configuration only: {@code etc/net.dtm.store.cfg}
 * says {@code type = zookeeper} and {@code etc/net.dtm.store.zookeeper.cfg} points at a real
 * ZooKeeper server the test driver runs (Curator's TestingServer), with a digest password read
 * from a file as the shipped template suggests. Checks that the ZooKeeper/Curator bundles really
 * start in Karaf, that the ZooKeeper store serves and the Derby store idles, that pools and leases
 * made through the shell land in ZooKeeper behind the digest ACL, that the demo agent establishes
 * through it, and the {@code node:} commands of a one-node cluster.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ClusterModeIT extends DtmTestSupport {

    private static final String NODE_ID = "itest-node-1";
    private static final String SITE = "itest-site";
    private static final String NAMESPACE = "dtm-itest";
    private static final DeviceId DEMO_DEVICE = DeviceId.of("smr-demo-1");
    private static final Duration CONNECTED = Duration.ofSeconds(60);

    /** Symbolic names of the bundles the dtm-store-zookeeper feature must bring up (all ACTIVE). */
    private static final String[] ACTIVE_BUNDLES = {"net.dtm.dtm-store-zookeeper", "org.apache.zookeeper", "curator-client",
        "curator-framework", "curator-recipes", "com.google.guava", "com.google.guava.failureaccess",
        "com.fasterxml.jackson.core.jackson-databind", "com.fasterxml.jackson.core.jackson-core",
        "com.fasterxml.jackson.core.jackson-annotations", "io.netty.common", "io.netty.buffer", "io.netty.resolver",
        "io.netty.transport", "io.netty.transport-native-unix-common", "io.netty.codec", "io.netty.handler"};

    @Override
    protected Option[] extraOptions() throws IOException {
        String connect = EmbeddedZooKeeper.connectString();
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        Path passwordFile = secretFile(password);
        return new Option[] {
            editConfigurationFilePut("etc/net.dtm.store.cfg", "type", "zookeeper"),
            editConfigurationFilePut("etc/net.dtm.store.zookeeper.cfg", "connect", connect),
            editConfigurationFilePut("etc/net.dtm.store.zookeeper.cfg", "namespace", NAMESPACE),
            editConfigurationFilePut("etc/net.dtm.store.zookeeper.cfg", "auth.user", "dtm"),
            editConfigurationFilePut("etc/net.dtm.store.zookeeper.cfg", "auth.password.file", passwordFile.toString()),
            editConfigurationFilePut("etc/net.dtm.store.zookeeper.cfg", "node.id", NODE_ID),
            editConfigurationFilePut("etc/net.dtm.store.zookeeper.cfg", "site", SITE),
            // For the test's own ZooKeeper clients inside Karaf.
            editConfigurationFilePut("etc/system.properties", "dtm.itest.zk.connect", connect),
            editConfigurationFilePut("etc/system.properties", "dtm.itest.zk.password", password),
        };
    }

    @Test
    public void zooKeeperStoreServesAndDerbyIdles() throws Exception {
        for (String name : new String[] {"dtm-store-zookeeper", "dtm-store-derby", "dtm-server"}) {
            Feature feature = featuresService.getFeature(name);
            assertNotNull("feature " + name + " is not known", feature);
            assertTrue("feature " + name + " is not installed", featuresService.isInstalled(feature));
        }
        for (String symbolicName : ACTIVE_BUNDLES) {
            Bundle bundle = bundleBySymbolicName(symbolicName);
            awaitTrue(symbolicName + " active", Duration.ofSeconds(30), () -> bundle.getState() == Bundle.ACTIVE);
        }
        Bundle jute = bundleBySymbolicName("org.apache.zookeeper.jute");
        assertEquals("zookeeper-jute is a fragment: RESOLVED, attached to org.apache.zookeeper", Bundle.RESOLVED, jute.getState());
        assertEquals("3.9.6", bundleBySymbolicName("org.apache.zookeeper").getVersion().toString());

        // The ZooKeeper store registered all its services ...
        LeaseStore store = service(LeaseStore.class, "(dtm.store.type=zookeeper)", SERVICE_TIMEOUT);
        service(DeviceStore.class, "(dtm.store.type=zookeeper)", SERVICE_TIMEOUT);
        PoolWatch watch = service(PoolWatch.class, "", SERVICE_TIMEOUT);
        assertTrue("the lease store is also the pool watch", watch == (Object) store);
        Cluster cluster = service(Cluster.class, "(dtm.cluster.type=zookeeper)", SERVICE_TIMEOUT);
        assertEquals("zookeeper", cluster.type());
        assertEquals(NODE_ID, cluster.nodeId());
        awaitTrue("connected to ZooKeeper", CONNECTED, cluster::isConnected);
        awaitTrue("leader of a one-node cluster", CONNECTED, cluster::isLeader);

        // ... and the Derby store, once its component has activated, registered none.
        awaitComponentsActive("net.dtm.dtm-store-derby");
        assertEquals("one lease store", 1, references(LeaseStore.class).size());
        assertEquals("one device store", 1, references(DeviceStore.class).size());
        assertEquals("one cluster", 1, references(Cluster.class).size());
        assertEquals("no Derby store in zookeeper mode", 0, references(LeaseStore.class, "(dtm.store.type=derby)").size());
        assertEquals("no standalone cluster in zookeeper mode", 0,
                references(Cluster.class, "(dtm.cluster.type=standalone)").size());

        ClusterService clusterService = service(ClusterService.class);
        assertEquals("zookeeper", clusterService.mode());
        assertEquals(NODE_ID, clusterService.local().id());
    }

    @Test
    public void poolAndLeaseLiveInZooKeeperBehindTheDigestAcl() throws Exception {
        Cluster cluster = service(Cluster.class, "(dtm.cluster.type=zookeeper)", SERVICE_TIMEOUT);
        awaitTrue("connected to ZooKeeper", CONNECTED, cluster::isConnected);

        String pool = "zk-" + unique();
        int third = 1 + (int) (Math.random() * 250);
        String prefix = "10.201." + third + ".0/24";
        String created = executeCommand("pool:create --lease-seconds 600 " + pool + " " + prefix);
        assertTrue(created, created.contains("Pool " + pool + " created"));
        String device = "itest-zk-" + unique();
        String address = "10.201." + third + ".7";
        String reserved = executeCommand("lease:reserve " + pool + " " + device + " " + address);
        assertTrue(reserved, reserved.contains("Reserved " + address + " in pool " + pool + " for " + device));

        // Read back through the shell and straight from the ZooKeeper store.
        String shown = executeCommand("lease:show -j " + pool + " " + device);
        assertTrue(shown, shown.contains("\"address\":\"" + address + "\"") && shown.contains("\"reserved\":true"));
        LeaseStore store = service(LeaseStore.class, "(dtm.store.type=zookeeper)", SERVICE_TIMEOUT);
        assertTrue("pool " + pool + " in the ZooKeeper store", store.pool(pool).isPresent());
        Lease lease = store.findByDevice(pool, DeviceId.of(device))
                .orElseThrow(() -> new AssertionError("no lease for " + device + " in the ZooKeeper store"));
        assertEquals(InetAddress.getByName(address), lease.address());

        // The znodes are there for a client with DTM's credential ...
        String connect = System.getProperty("dtm.itest.zk.connect");
        String password = System.getProperty("dtm.itest.zk.password");
        try (CuratorFramework dtm = client(connect, "dtm:" + password)) {
            List<String> tree = new ArrayList<>();
            walk(dtm, "/" + NAMESPACE, tree);
            assertTrue("pool " + pool + " not found in ZooKeeper under /" + NAMESPACE + ": " + tree,
                    tree.stream().anyMatch(s -> s.contains(pool)));
            assertTrue("device " + device + " not found in ZooKeeper under /" + NAMESPACE + ": " + tree,
                    tree.stream().anyMatch(s -> s.contains(device)));
        }
        // ... and closed to anyone else: no credential, or the wrong password.
        try (CuratorFramework anonymous = client(connect, null);
             CuratorFramework wrong = client(connect, "dtm:not-" + password)) {
            for (CuratorFramework other : List.of(anonymous, wrong)) {
                try {
                    other.getChildren().forPath("/" + NAMESPACE);
                    fail("a client without DTM's credential listed /" + NAMESPACE);
                } catch (KeeperException.NoAuthException expected) {
                    // the ACL holds
                }
                try {
                    other.create().forPath("/" + NAMESPACE + "/intruder");
                    fail("a client without DTM's credential wrote under /" + NAMESPACE);
                } catch (KeeperException.NoAuthException expected) {
                    // the ACL holds
                }
            }
        }
    }

    @Test
    public void nodeCommandsOnAOneNodeCluster() throws Exception {
        Cluster cluster = service(Cluster.class, "(dtm.cluster.type=zookeeper)", SERVICE_TIMEOUT);
        awaitTrue("leader of a one-node cluster", CONNECTED, cluster::isLeader);
        String self = "{\"node\":\"" + NODE_ID + "\",\"site\":\"" + SITE + "\",";
        awaitTrue("node:list shows this node active and leader", CONNECTED, () -> {
            String json = executeCommand("node:list -j");
            return json.contains(self + "\"state\":\"active\",\"leader\":true,");
        });
        String table = executeCommand("node:list");
        assertTrue(table, table.contains(NODE_ID + " *") && table.contains(SITE) && table.contains("active")
                && table.contains("yes") && table.contains("this node (zookeeper)"));
        String status = executeCommand("node:status -j");
        assertTrue(status, status.contains("\"mode\":\"zookeeper\"") && status.contains("\"node\":\"" + NODE_ID + "\""));
        assertTrue(executeCommand("node:status"), executeCommand("node:status").contains("zookeeper"));

        ClusterService clusterService = service(ClusterService.class);
        try {
            // The last active node is not drained without --force, and nothing changes.
            try {
                executeCommand("node:drain " + NODE_ID);
                fail("the last active node was drained without --force");
            } catch (Exception e) {
                assertTrue(e.getMessage(), e.getMessage().contains("last active node") && e.getMessage().contains("--force"));
            }
            assertEquals(NodeState.ACTIVE, clusterService.local().state());
            try {
                executeCommand("node:drain --force no-such-node");
                fail("an unknown node was drained");
            } catch (Exception e) {
                assertTrue(e.getMessage(), e.getMessage().contains("no node named 'no-such-node'"));
            }

            String drained = executeCommand("node:drain --force " + NODE_ID);
            assertTrue(drained, drained.contains("Node " + NODE_ID + " draining"));
            awaitTrue("node:list shows this node draining", CONNECTED,
                    () -> executeCommand("node:list -j").contains(self + "\"state\":\"draining\","));
            assertEquals(NodeState.DRAINING, clusterService.local().state());
            String again = executeCommand("node:drain --force " + NODE_ID);
            assertTrue(again, again.contains("already draining"));

            String undrained = executeCommand("node:undrain " + NODE_ID);
            assertTrue(undrained, undrained.contains("Node " + NODE_ID + " takes new devices again"));
            awaitTrue("node:list shows this node active again", CONNECTED,
                    () -> executeCommand("node:list -j").contains(self + "\"state\":\"active\","));
            String notDraining = executeCommand("node:undrain " + NODE_ID);
            assertTrue(notDraining, notDraining.contains("was not draining"));
        } finally {
            // Whatever happened above, leave the node serving for the other tests.
            clusterService.setDraining(NODE_ID, false);
        }
    }

    @Test
    public void demoAgentEstablishesThroughTheZooKeeperStore() {
        TunnelAgentService agent = service(TunnelAgentService.class);
        awaitTrue("demo agent established", Duration.ofSeconds(60), () -> {
            TunnelStatus s = agent.status();
            return (s.state() == TunnelStatus.State.ESTABLISHED || s.state() == TunnelStatus.State.RENEWING)
                    && s.parameters().isPresent();
        });
        InetAddress address = agent.status().parameters().get().innerAddress();
        LeaseStore store = service(LeaseStore.class, "(dtm.store.type=zookeeper)", SERVICE_TIMEOUT);
        Lease lease = store.findByDevice("demo", DEMO_DEVICE)
                .orElseThrow(() -> new AssertionError("no lease for " + DEMO_DEVICE + " in the ZooKeeper store"));
        assertEquals(address, lease.address());
    }

    private List<ServiceReference<?>> references(Class<?> type) throws Exception {
        return references(type, null);
    }

    /** A Curator client of the test's own, with a digest credential {@code user:password} or none. */
    private static CuratorFramework client(String connect, String credential) throws InterruptedException {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder().connectString(connect)
                .retryPolicy(new RetryOneTime(200)).connectionTimeoutMs(5000).sessionTimeoutMs(10000);
        if (credential != null) {
            builder.authorization("digest", credential.getBytes(StandardCharsets.UTF_8));
        }
        CuratorFramework client = builder.build();
        client.start();
        if (!client.blockUntilConnected(20, TimeUnit.SECONDS)) {
            client.close();
            throw new AssertionError("the test's ZooKeeper client did not connect to " + connect);
        }
        return client;
    }

    /** Every path under {@code path} and each znode's data as text, depth first. */
    private static void walk(CuratorFramework client, String path, List<String> out) throws Exception {
        byte[] data = client.getData().forPath(path);
        out.add(path + (data == null || data.length == 0 ? "" : " " + new String(data, StandardCharsets.UTF_8)));
        for (String child : client.getChildren().forPath(path)) {
            walk(client, ("/".equals(path) ? "" : path) + "/" + child, out);
        }
    }
}
