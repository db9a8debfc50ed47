package net.dtm.testkit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnsemblePeerOptionsTest {

    @AfterEach
    void clear() {
        System.clearProperty(Ensemble.PEER_OPTIONS);
    }

    @Test
    void noExtraPeerOptionsByDefaultOrThoseGivenInOrder() {
        assertEquals(List.of(), Ensemble.peerOptions());
        System.setProperty(Ensemble.PEER_OPTIONS, "  -Dzookeeper.snapCount=20000   -XX:TieredStopAtLevel=4 ");
        assertEquals(List.of("-Dzookeeper.snapCount=20000", "-XX:TieredStopAtLevel=4"), Ensemble.peerOptions());
    }

    @Test
    void aPeerOptionNotStartingWithADashIsRefusedNamingIt() {
        for (String bad : new String[] {"-Da=1 zookeeper.nio.numWorkerThreads=0", "-Da=1 -"}) {
            System.setProperty(Ensemble.PEER_OPTIONS, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Ensemble::peerOptions, bad);
            assertTrue(e.getMessage().contains(Ensemble.PEER_OPTIONS) && e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void theSmallMachineTuningGoesToZooCfgUnlessThePeerOptionsSetThatProperty() {
        assertEquals(Ensemble.SMALL_MACHINE_TUNING, Ensemble.tuning(List.of("-XX:TieredStopAtLevel=4")));
        // ZooKeeper's defaults back for a comparison: the file must not override the option
        assertEquals(List.of("commitProcessor.numWorkerThreads=0"),
                Ensemble.tuning(List.of("-Dzookeeper.nio.numWorkerThreads=4")));
        assertEquals(List.of(), Ensemble.tuning(List.of("-Dzookeeper.nio.numWorkerThreads=4",
                "-Dzookeeper.commitProcessor.numWorkerThreads=2")));
        // a property whose name merely starts the same is another one
        assertEquals(Ensemble.SMALL_MACHINE_TUNING, Ensemble.tuning(List.of("-Dzookeeper.nio.numWorkerThreadsX=1")));
    }
}
