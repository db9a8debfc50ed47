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
}
