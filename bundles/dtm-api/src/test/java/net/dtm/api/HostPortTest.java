package net.dtm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void parsesHostPort() {
        assertEquals(new InetSocketAddress("192.0.2.1", 4789), HostPort.parse("192.0.2.1:4789", "x"));
        assertEquals(new InetSocketAddress("::1", 47800), HostPort.parse("[::1]:47800", "x"));
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("127.0.0.2", 2)),
                HostPort.parseList(" 127.0.0.1:1, 127.0.0.2:2 ", "x"));
        assertTrue(HostPort.parseList("", "x").isEmpty());
    }

    @Test
    void rejectsMalformedWithTheSettingName() {
        for (String bad : new String[] {"", "host", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:x", ":5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HostPort.parse(bad, "tunnel.endpoint"), bad);
            assertTrue(e.getMessage().startsWith("tunnel.endpoint"), e.getMessage());
        }
    }

    @Test
    void localNodeIdIsAUsableNodeIdAndStable() {
        String id = HostPort.localNodeId();
        assertTrue(id.matches("[A-Za-z0-9._-]{1,64}"), id);
        assertEquals(id, HostPort.localNodeId(), "every component of a node derives the same id");
    }
}
