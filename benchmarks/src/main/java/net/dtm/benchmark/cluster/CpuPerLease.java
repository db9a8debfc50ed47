package net.dtm.benchmark.cluster;

import java.util.Locale;

import net.dtm.benchmark.ChildCpu;
import net.dtm.testkit.cluster.ClusterNode;

/**
 * Where a rate trial's CPU went, per confirmed lease: the load client (this JVM), the DTM nodes and
 * the ZooKeeper peers (this JVM's child processes), as the operating system counts it; and how many
 * of the machine's cores the three kept busy on average. On one box the three share the cores, so a
 * cluster that costs more CPU per lease than one node cannot give more leases per second here.
 */
record CpuPerLease(double clientMicros, double nodesMicros, double zookeeperMicros, double coresBusy) {

    private static final String ZOOKEEPER = "org.apache.zookeeper.server.quorum.QuorumPeerMain";

    /** CPU counters at one moment. */
    record Mark(long client, long nodes, long zookeeper, long at) {

        static Mark now() {
            return new Mark(ChildCpu.self(), ChildCpu.nanos(ClusterNode.class.getName()), ChildCpu.nanos(ZOOKEEPER),
                    System.nanoTime());
        }

        /** The CPU spent since this mark, per lease of {@code confirmed}. */
        CpuPerLease to(Mark end, long confirmed) {
            double per = Math.max(1, confirmed) * 1000.0;
            return new CpuPerLease((end.client - client) / per, (end.nodes - nodes) / per,
                    (end.zookeeper - zookeeper) / per,
                    (double) (end.client - client + end.nodes - nodes + end.zookeeper - zookeeper) / (end.at - at));
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CPU per lease: client %.0f us, nodes %.0f us, ZooKeeper %.0f us (%.2f cores busy)",
                clientMicros, nodesMicros, zookeeperMicros, coresBusy);
    }
}
