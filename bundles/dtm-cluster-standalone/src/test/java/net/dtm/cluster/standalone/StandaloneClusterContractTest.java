package net.dtm.cluster.standalone;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;

import net.dtm.cluster.tck.ClusterContract;
import net.dtm.spi.cluster.Cluster;

/** The cluster contract for the cluster of one, its draining flag in a file of a temporary directory. */
class StandaloneClusterContractTest extends ClusterContract {

    @TempDir
    Path dir;

    private Path drainingFile() {
        return dir.resolve("dtm/node-draining");
    }

    @Override
    protected Cluster newCluster(String nodeId) {
        return new StandaloneCluster(nodeId, drainingFile(), Clock.systemUTC(), Map.of());
    }

    @Override
    protected Cluster restart(Cluster current) {
        return new StandaloneCluster(current.nodeId(), drainingFile(), Clock.systemUTC(), Map.of());
    }
}
