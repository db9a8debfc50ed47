package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.spi.cluster.ClockOffset;
import net.dtm.api.fakes.SettableClock;

/**
 * Reclamation judged on a clock that disagrees with the store's: node A writes leases on the true
 * time, node B (the leader) runs an hour ahead. B must reclaim nothing while its cluster says its
 * clock is off (or has no fresh measurement), and reclaim as usual once its clock agrees.
 */
class ClockSkewTest extends PoolManagerTestBase {

    private static final Duration LOCK = Duration.ofSeconds(30);
    private static final Duration QUARANTINE = Duration.ofSeconds(10);
    private static final PoolSettings SETTINGS = new PoolSettings(LOCK, 0.5, QUARANTINE, new int[0], Duration.ofSeconds(2));
    private static final Duration AHEAD = Duration.ofHours(1);

    private final TestCluster clusterA = new TestCluster("node-a", "zookeeper");
    private final TestCluster clusterB = new TestCluster("node-b", "zookeeper");
    private SettableClock clockB;
    private PoolManager leaderB;
    private int bound;

    @Override
    PoolManager newManager(CountingStore store, SettableClock clock) {
        clusterA.clock = clock;
        clusterA.leader = false;
        return new PoolManager(store, null, clock, SETTINGS, clusterA);
    }

    /** Node A binds every address of a small pool for 600 s; node B runs an hour ahead and says so. */
    @BeforeEach
    void fillOnTrueTime() {
        pm.createPool(Pool.of("p", "10.7.0.0/28", 600));
        for (int i = 0; ; i++) {
            try {
                Lease offered = pm.allocate("p", dev("d" + i));
                pm.confirm("p", offered.device(), offered.address(), offered.sequence());
                bound++;
            } catch (net.dtm.api.DtmException exhausted) {
                break;
            }
        }
        clockB = new SettableClock(clock.instant().plus(AHEAD));
        clusterB.clock = clockB;
        clusterB.offset = Optional.of(new ClockOffset(AHEAD.negated(), Duration.ofMillis(3), clockB.instant()));
        leaderB = new PoolManager(derby, null, clockB, SETTINGS, clusterB);
    }

    @Test
    void aLeaderWhoseClockRunsAheadReclaimsNoLiveLease() {
        assertEquals(0, leaderB.sweepIfLeader(), "B's clock says every lease expired an hour ago; the store's time does not");
        assertEquals(bound, derby.leases("p").size(), "every live lease kept");
        assertEquals(0, leaderB.sweepIfLeader());
        assertEquals(2, leaderB.counters().get("reclaim.refused.clock"), "each refusal counted");
        assertEquals(0, pm.counters().get("reclaim.refused.clock"));
    }

    @Test
    void reclamationResumesOnceTheClockAgreesAndThenJudgesTheTrueTime() {
        assertEquals(0, leaderB.sweepIfLeader());
        clockB.advance(AHEAD.negated()); // the operator fixed B's clock; the next measurement says so
        clusterB.offset = Optional.of(new ClockOffset(Duration.ofMillis(-40), Duration.ofMillis(3), clockB.instant()));
        assertEquals(0, leaderB.sweepIfLeader(), "the leases are live on the true time");
        assertEquals(bound, derby.leases("p").size());
        clockB.advance(Duration.ofSeconds(600).plus(QUARANTINE).plusSeconds(1));
        clusterB.offset = Optional.of(new ClockOffset(Duration.ofMillis(-40), Duration.ofMillis(3), clockB.instant()));
        assertEquals(bound, leaderB.sweepIfLeader(), "expired and quarantined on the true time: reclaimed");
        assertEquals(1, leaderB.counters().get("reclaim.refused.clock"));
    }

    @Test
    void noMeasurementOrAStaleOneOrOneTooUncertainRefusesToo() {
        clockB.advance(AHEAD.negated());
        clockB.advance(Duration.ofSeconds(611)); // every lease truly reclaimable now
        clusterB.offset = Optional.empty();
        assertEquals(0, leaderB.sweepIfLeader(), "no measurement");
        clusterB.offset = Optional.of(new ClockOffset(Duration.ZERO, Duration.ZERO, clockB.instant().minusSeconds(31)));
        assertEquals(0, leaderB.sweepIfLeader(), "measured 31 s ago");
        clusterB.offset = Optional.of(new ClockOffset(Duration.ofMillis(1500), Duration.ofMillis(501), clockB.instant()));
        assertEquals(0, leaderB.sweepIfLeader(), "1.5 s behind ± 0.501 s may be more than 2 s");
        assertEquals(3, leaderB.counters().get("reclaim.refused.clock"));
        clusterB.offset = Optional.of(new ClockOffset(Duration.ofMillis(1500), Duration.ofMillis(500), clockB.instant()));
        assertEquals(bound, leaderB.sweepIfLeader(), "within the bound");
    }

    @Test
    void aNodeWithoutAClusterHasOneClockAndAlwaysReclaims() {
        PoolManager alone = new PoolManager(derby, "alone", clockB, SETTINGS, null);
        assertEquals(bound, alone.sweep(), "its own clock is the only one: an hour ahead, every lease is past quarantine");
    }

    @Test
    void theQuarantineMayNotBeShorterThanTwiceTheSkewBound() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PoolSettings(LOCK, 0.5, Duration.ofMillis(3999), new int[0], Duration.ofSeconds(2)));
        assertTrue(e.getMessage().contains("below its floor of 4000 ms, twice the clock skew bound of 2000 ms"), e.getMessage());
        assertEquals(Duration.ofSeconds(4),
                new PoolSettings(LOCK, 0.5, Duration.ofSeconds(4), new int[0], Duration.ofSeconds(2)).minQuarantine());
        assertThrows(IllegalArgumentException.class,
                () -> new PoolSettings(LOCK, 0.5, QUARANTINE, new int[0], Duration.ofMillis(-1)));
        assertEquals(Duration.ZERO, PoolSettings.of(LOCK, 0.5).maxClockSkew(), "no quarantine, one clock");
    }
}
