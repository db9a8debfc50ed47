package net.dtm.testkit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnsemblePeerHeapTest {

    @AfterEach
    void clear() {
        System.clearProperty(Ensemble.PEER_HEAP);
        System.clearProperty(Ensemble.PEER_OPTIONS);
    }

    @Test
    void theTestsDefaultOrTheHeapGiven() {
        assertEquals("128m", Ensemble.peerHeap());
        System.setProperty(Ensemble.PEER_HEAP, " 1g ");
        assertEquals("1g", Ensemble.peerHeap());
    }

    @Test
    void aHeapJavaWouldNotTakeIsRefusedNamingTheProperty() {
        for (String bad : new String[] {"", "1 g", "0m", "-1g", "1gb", "lots"}) {
            System.setProperty(Ensemble.PEER_HEAP, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Ensemble::peerHeap, bad);
            assertTrue(e.getMessage().contains(Ensemble.PEER_HEAP), e.getMessage());
        }
    }

    @Test
    void noExtraPeerOptionsByDefaultOrThoseGivenInOrder() {
        assertEquals(java.util.List.of(), Ensemble.peerOptions());
        System.setProperty(Ensemble.PEER_OPTIONS, "  -Dzookeeper.nio.numWorkerThreads=0   -XX:TieredStopAtLevel=4 ");
        assertEquals(java.util.List.of("-Dzookeeper.nio.numWorkerThreads=0", "-XX:TieredStopAtLevel=4"),
                Ensemble.peerOptions());
    }

    @Test
    void aPeerOptionNotStartingWithADashIsRefusedNamingIt() {
        System.setProperty(Ensemble.PEER_OPTIONS, "-Da=1 zookeeper.nio.numWorkerThreads=0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Ensemble::peerOptions);
        assertTrue(e.getMessage().contains(Ensemble.PEER_OPTIONS) && e.getMessage().contains("'zookeeper.nio"),
                e.getMessage());
    }
}
