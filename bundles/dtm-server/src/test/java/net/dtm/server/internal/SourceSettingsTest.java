package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import net.dtm.server.node.ServerNode;

class SourceSettingsTest {

    @Test
    void defaultsAreTheEndpointsAndBadOnesAreRefusedClearly() {
        ServerNode.Config c = ServerNode.Config.defaults();
        assertEquals(UdpEndpoint.Limits.DEFAULT_SOURCE_RATE, c.sourceRate());
        assertEquals(UdpEndpoint.Limits.DEFAULT_SOURCE_BURST, c.sourceBurst());
        assertEquals(UdpEndpoint.Limits.DEFAULT_SOURCE_TABLE, c.sourceTable());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.toBuilder().sourceBuckets(0, 100, 1000).build());
        assertTrue(e.getMessage().contains("source rate (0.0)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.toBuilder().sourceBuckets(10, 0, 1000).build());
        assertThrows(IllegalArgumentException.class, () -> c.toBuilder().sourceBuckets(10, 10, 0).build());
    }
}
