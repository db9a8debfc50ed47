package net.dtm.store.zookeeper;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import net.dtm.spi.cluster.ClockOffset;

/**
 * The clock measured against an in-process ZooKeeper, which keeps this machine's time: a node
 * clock skewed by a known amount must be measured off by that amount, within the uncertainty.
 */
class ZkClockTest {

    @RegisterExtension
    static final ZkTesting.Server ZK = new ZkTesting.Server();

    private static final Duration AHEAD = Duration.ofSeconds(5);

    private static void assertAhead(Duration ahead, ClockOffset o) {
        Duration error = o.offset().plus(ahead).abs();
        assertTrue(error.compareTo(o.uncertainty()) <= 0, "true offset -" + ahead + " outside " + o);
        assertTrue(o.uncertainty().compareTo(Duration.ofMillis(500)) < 0, "loopback round trip: " + o);
    }

    @Test
    void aNodeClockAheadIsMeasuredAheadByAsMuchWithinTheUncertainty() throws Exception {
        CuratorFramework client = ZkTesting.rawClient(ZK.get(), ZkTesting.freshNamespace(), true);
        try (ZkClock clock = new ZkClock(client, "node-1", Clock.offset(Clock.systemUTC(), AHEAD), () -> true)) {
            Instant before = Instant.now().plus(AHEAD);
            ClockOffset first = clock.measure(); // makes the ephemeral znode, then measures
            assertAhead(AHEAD, first);
            assertTrue(!first.measuredAt().isBefore(before), "measured on the node's (skewed) clock: " + first);
            ClockOffset second = clock.measure();
            assertAhead(AHEAD, second);
            assertEquals(second, clock.latest().orElseThrow(), "the latest measurement is kept");
            assertTrue(client.checkExists().forPath(ZkClock.CLOCK + "/node-1").getEphemeralOwner() != 0, "ephemeral");
        } finally {
            client.close();
        }
    }

    @Test
    void theClusterMeasuresByItselfAndShowsItInItsStatus() throws Exception {
        ZkSettings settings = ZkTesting.settings(ZK.get(), ZkTesting.freshNamespace(), "node-1");
        CuratorFramework client = ZkNode.newClient(settings);
        client.start();
        try (ZkCluster cluster = new ZkCluster(client, settings, Clock.offset(Clock.systemUTC(), AHEAD.negated()))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> cluster.clockOffset().isPresent());
            assertAhead(AHEAD.negated(), cluster.clockOffset().orElseThrow());
            assertTrue(cluster.status().get("clock.offset").matches("[0-9]+ ms ± [0-9]+ ms at .*"), cluster.status().toString());
        } finally {
            client.close();
        }
    }
}
