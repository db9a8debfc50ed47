package net.dtm.testkit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClusterJvmTest {

    @AfterEach
    void clear() {
        System.clearProperty(ClusterJvm.PROPERTY);
    }

    @Test
    void testsGetTheLightOptionsUnlessProductionIsAsked() {
        assertEquals(ClusterJvm.TEST, ClusterJvm.current());
        assertEquals(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), ClusterJvm.current().peer());
        assertEquals(List.of("-XX:+UseSerialGC"), ClusterJvm.current().node());
        System.setProperty(ClusterJvm.PROPERTY, " Production ");
        assertEquals(List.of(), ClusterJvm.current().peer());
        assertEquals(List.of(), ClusterJvm.current().node());
    }

    @Test
    void anotherValueIsRefusedNamingTheProperty() {
        for (String bad : new String[] {"", "prod", "c2"}) {
            System.setProperty(ClusterJvm.PROPERTY, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ClusterJvm::current, bad);
            assertTrue(e.getMessage().contains(ClusterJvm.PROPERTY), e.getMessage());
        }
    }
}
