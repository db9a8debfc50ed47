package net.dtm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import net.dtm.api.ClusterService;
import net.dtm.api.NodeState;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * Cluster mode with the ensemble unreachable at start (nothing listens on the configured port):
 * the node still boots, the ZooKeeper store registers its services without holding up the boot,
 * and the node is degraded: it says so in {@code node:status} and {@code node:list}, and refuses
 * to change the shared data with a clear {@code store-unavailable} instead of hanging. (Recovering
 * by itself once the quorum is back is covered by the store's own tests against a restarted server.)
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ClusterModeUnreachableIT extends DtmTestSupport {

    private static final String NODE_ID = "itest-cut-off";

    @Override
    protected Option[] extraOptions() throws IOException {
        int nobody;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = socket.getLocalPort();
        }
        return new Option[] {
            editConfigurationFilePut("etc/net.dtm.store.cfg", "type", "zookeeper"),
            editConfigurationFilePut("etc/net.dtm.store.zookeeper.cfg", "connect", "127.0.0.1:" + nobody),
            editConfigurationFilePut("etc/net.dtm.store.zookeeper.cfg", "auth.password", "itest-" + unique()),
            editConfigurationFilePut("etc/net.dtm.store.zookeeper.cfg", "node.id", NODE_ID),
            editConfigurationFilePut("etc/net.dtm.store.zookeeper.cfg", "connection.timeout.ms", "1000"),
            editConfigurationFilePut("etc/net.dtm.store.zookeeper.cfg", "session.timeout.ms", "4000"),
            // A cluster node as README's "Running a cluster" sets one up: no demo pool or device to bootstrap.
            editConfigurationFilePut("etc/net.dtm.bootstrap.cfg", "pools", ""),
            editConfigurationFilePut("etc/net.dtm.bootstrap.cfg", "devices", ""),
        };
    }

    @Test
    public void bootsDegradedAndRefusesChangesClearly() throws Exception {
        LeaseStore store = service(LeaseStore.class, "(&(dtm.store.type=zookeeper)(dtm.store.clustered=true))", SERVICE_TIMEOUT);
        service(DeviceStore.class, "(dtm.store.type=zookeeper)", SERVICE_TIMEOUT);
        Cluster cluster = service(Cluster.class, "(dtm.cluster.type=zookeeper)", SERVICE_TIMEOUT);
        assertEquals(NODE_ID, cluster.nodeId());
        assertFalse("connected to an ensemble that does not exist", cluster.isConnected());
        assertFalse("leader without an ensemble", cluster.isLeader());
        assertEquals("no Derby store in zookeeper mode", 0, references(LeaseStore.class, "(dtm.store.type=derby)").size());
        assertEquals("the store's own cluster only: no standalone one", 1, references(Cluster.class, null).size());

        ClusterService clusterService = service(ClusterService.class);
        assertEquals("zookeeper", clusterService.mode());
        awaitTrue("this node degraded", Duration.ofSeconds(30), () -> clusterService.local().state() == NodeState.DEGRADED);
        String status = executeCommand("node:status -j");
        assertTrue(status, status.contains("\"mode\":\"zookeeper\"") && status.contains("\"state\":\"degraded\""));
        String nodes = executeCommand("node:list -j");
        assertTrue(nodes, nodes.contains("\"node\":\"" + NODE_ID + "\"") && nodes.contains("\"state\":\"degraded\""));

        // Changing shared data is refused at once with the reason, and nothing is stored.
        long start = System.nanoTime();
        try {
            executeCommand("pool:create cut-" + unique() + " 10.202.0.0/24");
            fail("a pool was created without a store");
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().contains("store-unavailable"));
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue("refusal took " + ms + " ms", ms < 10_000);
        try {
            executeCommand("node:drain --force " + NODE_ID);
            fail("a drain flag was stored without a store");
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().contains("store-unavailable") || e.getMessage().contains("cannot be reached"));
        }
        try {
            store.pools();
            fail("the store answered without an ensemble");
        } catch (StoreUnavailableException expected) {
            // refused, not hung
        }
    }
}
