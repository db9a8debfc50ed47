package net.dtm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void portsAreOutsideTheEphemeralRangeDistinctAndBindable() throws Exception {
        int[] ephemeral = FreePorts.ephemeralRange();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int tcp = FreePorts.tcp();
            int udp = FreePorts.udp();
            for (int port : new int[] {tcp, udp}) {
                assertTrue(port < ephemeral[0] || port > ephemeral[1],
                        port + " is inside the ephemeral range " + ephemeral[0] + "-" + ephemeral[1]);
                assertTrue(seen.add(port), port + " given twice");
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp));
            }
            try (DatagramSocket s = new DatagramSocket(udp)) {
                assertEquals(udp, s.getLocalPort());
            }
        }
    }
}
