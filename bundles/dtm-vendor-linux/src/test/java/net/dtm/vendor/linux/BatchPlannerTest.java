package net.dtm.vendor.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.spi.config.ConfigException;

class BatchPlannerTest {

    @Test
    void consecutiveIpLinesBecomeOneBatchAndWgLinesSplitIt() throws Exception {
        List<BatchPlanner.Step> steps = BatchPlanner.plan(List.of(
                "ip link add name dtm7 type wireguard",
                "ip link set dev dtm7 alias dtm:local=192.0.2.1,listen-port=0",
                "wg set dtm7 private-key /k peer P endpoint 192.0.2.2:1",
                "",
                "ip link set dev dtm7 up",
                "  ip addr add 10.0.0.1/30 dev dtm7  "), false);
        assertEquals(List.of(
                new BatchPlanner.IpBatch(List.of(1, 2), List.of("ip link add name dtm7 type wireguard",
                        "ip link set dev dtm7 alias dtm:local=192.0.2.1,listen-port=0"),
                        List.of("link add name dtm7 type wireguard", "link set dev dtm7 alias dtm:local=192.0.2.1,listen-port=0")),
                new BatchPlanner.WgCommand(3, "wg set dtm7 private-key /k peer P endpoint 192.0.2.2:1",
                        List.of("set", "dtm7", "private-key", "/k", "peer", "P", "endpoint", "192.0.2.2:1")),
                new BatchPlanner.IpBatch(List.of(5, 6), List.of("ip link set dev dtm7 up", "ip addr add 10.0.0.1/30 dev dtm7"),
                        List.of("link set dev dtm7 up", "addr add 10.0.0.1/30 dev dtm7"))), steps);
        assertEquals(List.of(3), steps.get(1).lineNumbers());
    }

    @Test
    void inUserSpaceWireGuardCreationIsWireguardGo() throws Exception {
        List<BatchPlanner.Step> steps = BatchPlanner.plan(List.of(
                "ip link del dev dtm7",
                "ip link add name dtm7 type wireguard",
                "ip link set dev dtm7 up"), true);
        assertEquals(3, steps.size());
        assertEquals(new BatchPlanner.StartWireGuardGo(2, "ip link add name dtm7 type wireguard", "dtm7"), steps.get(1));
        assertEquals(List.of(2), steps.get(1).lineNumbers());
        assertTrue(steps.get(0) instanceof BatchPlanner.IpBatch);
        assertTrue(steps.get(2) instanceof BatchPlanner.IpBatch);
    }

    @Test
    void onlyAWireGuardLinkAddIsRecognised() {
        assertTrue(BatchPlanner.createsWireGuard(List.of("ip link set dev x up", "ip link add name dtm7 type wireguard")));
        assertTrue(BatchPlanner.createsWireGuard(List.of("ip link add dtm7 type wireguard")));
        assertFalse(BatchPlanner.createsWireGuard(List.of("ip link add name dtm0 type vxlan id 1")));
        assertFalse(BatchPlanner.createsWireGuard(List.of("ip link add name dtm0 type")));
        assertFalse(BatchPlanner.createsWireGuard(List.of("ip link add type wireguard name x")));
        assertFalse(BatchPlanner.createsWireGuard(List.of("wg set dtm7 peer x")));
    }

    @Test
    void findsDeletedLinks() {
        assertEquals(Optional.of("dtm0"), BatchPlanner.deletedLink("link del dev dtm0"));
        assertEquals(Optional.of("dtm0"), BatchPlanner.deletedLink("link delete dtm0"));
        assertEquals(Optional.empty(), BatchPlanner.deletedLink("link del dev"));
        assertEquals(Optional.empty(), BatchPlanner.deletedLink("link set dev dtm0 up"));
        assertEquals(Optional.empty(), BatchPlanner.deletedLink("addr del 10.0.0.1/30 dev dtm0"));
    }

    @Test
    void refusesLinesOfOtherPrograms() {
        for (String bad : List.of("rm -rf /", "ip", "wg", "ipx link", "sh -c 'ip link'")) {
            ConfigException e = assertThrows(ConfigException.class, () -> BatchPlanner.plan(List.of("ip link set dev a up", bad), false));
            assertTrue(e.rejected());
            assertEquals("line 2 '" + bad + "' is not an ip or wg command", e.getMessage());
        }
    }

    @Test
    void nothingToDoIsAnEmptyPlan() throws Exception {
        assertEquals(List.of(), BatchPlanner.plan(List.of(), false));
        assertEquals(List.of(), BatchPlanner.plan(List.of(" ", ""), true));
    }
}
