package net.dtm.pool;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import net.dtm.spi.cluster.ClockOffset;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.cluster.Member;

/** The little of a cluster the pool manager uses: id, type, leadership, clock offset. */
final class TestCluster implements Cluster {

    final String id;
    final String type;
    volatile boolean leader = true;
    /** The node's clock: a clock that agrees with the store is measured on it. */
    volatile Clock clock = Clock.systemUTC();
    /** What {@link #clockOffset()} answers; null: no offset, measured now on {@link #clock}. */
    volatile Optional<ClockOffset> offset;

    TestCluster(String id, String type) {
        this.id = id;
        this.type = type;
    }

    @Override public String type() { return type; }
    @Override public String nodeId() { return id; }
    @Override public void advertise(List<InetSocketAddress> endpoints) { }
    @Override public void publish(long leasesServed) { }
    @Override public List<Member> members() { return List.of(); }
    @Override public boolean isLeader() { return leader; }
    @Override public boolean isConnected() { return true; }

    @Override
    public Optional<ClockOffset> clockOffset() {
        Optional<ClockOffset> o = offset;
        return o != null ? o : Optional.of(ClockOffset.none(clock.instant()));
    }

    @Override public boolean setDraining(String nodeId, boolean draining) { throw new UnsupportedOperationException(); }
    @Override public Map<String, String> status() { return Map.of(); }
    @Override public void addListener(Runnable listener) { }
    @Override public void removeListener(Runnable listener) { }
}
