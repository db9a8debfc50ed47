package net.dtm.vendor.linux;

import static net.dtm.vendor.linux.Samples.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.TunnelType;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.TunnelIntent;

/** read() and list() over recorded outputs served by a fake runner. */
class RunningStateReaderTest {

    @TempDir
    Path dir;

    private RunningStateReader reader(Fixture f) {
        return new RunningStateReader(f.host(Optional.of("ns1")));
    }

    @Test
    void readsAVxlanEndWithTheCommandsItNeeds() throws Exception {
        Fixture f = new Fixture(dir);
        f.runner.ok("ip -n ns1 -j -d link show dev dtm0", text("vxlan4-link.json"))
                .ok("ip -n ns1 -j addr show dev dtm0", text("vxlan4-addr.json"))
                .ok("ip -n ns1 -4 -j route show dev dtm0", text("vxlan4-route4.json"))
                .ok("ip -n ns1 -6 -j route show dev dtm0", text("vxlan4-route6.json"));
        TunnelIntent t = reader(f).read("dtm0", TunnelIntent.Role.GATEWAY).orElseThrow();
        assertEquals(TunnelType.VXLAN, t.type());
        assertEquals(TunnelIntent.Role.GATEWAY, t.role());
        assertEquals(4, f.runner.lines().size());
    }

    @Test
    void readsAWireguardGoEndThroughWg() throws Exception {
        Fixture f = new Fixture(dir);
        f.runner.ok("ip -n ns1 -j -d link show dev wgB", text("wggo-link.json"))
                .ok("ip -n ns1 -j addr show dev wgB", text("wggo-addr.json"))
                .ok("ip -n ns1 -4 -j route show dev wgB", text("wggo-route4.json"))
                .ok("ip -n ns1 -6 -j route show dev wgB", "[]")
                .ok("ip netns exec ns1 wg show wgB dump", text("wggo-dump.txt"));
        TunnelIntent t = reader(f).read("wgB", TunnelIntent.Role.DEVICE).orElseThrow();
        assertEquals(TunnelType.WIREGUARD, t.type());
        assertEquals(Samples.OTHER_KEY, t.wireGuard().orElseThrow().peerPublicKey());
    }

    @Test
    void aTunDeviceWgDoesNotKnowIsNotATunnel() {
        Fixture f = new Fixture(dir);
        f.runner.ok("ip -n ns1 -j -d link show dev wgB", text("wggo-link.json"))
                .ok("ip -n ns1 -j addr show dev wgB", text("wggo-addr.json"))
                .ok("ip -n ns1 -4 -j route show dev wgB", "[]").ok("ip -n ns1 -6 -j route show dev wgB", "[]")
                .fail("ip netns exec ns1 wg show wgB dump", 1, "Unable to access interface: Protocol not supported");
        ConfigException e = assertThrows(ConfigException.class, () -> reader(f).read("wgB", TunnelIntent.Role.DEVICE));
        assertTrue(e.rejected());
        Fixture g = new Fixture(dir.resolve("g"));
        g.missing.add("wg");
        g.runner.ok("ip -n ns1 -j -d link show dev wgB", text("wggo-link.json"))
                .ok("ip -n ns1 -j addr show dev wgB", "[]").ok("ip -n ns1 -4 -j", "[]").ok("ip -n ns1 -6 -j", "[]");
        e = assertThrows(ConfigException.class, () -> reader(g).read("wgB", TunnelIntent.Role.DEVICE));
        assertTrue(e.getMessage().contains("TUN device that wg does not know"), e.getMessage());
    }

    @Test
    void kernelWireGuardWhoseDumpFailsIsAReadFailure() {
        Fixture f = new Fixture(dir);
        f.runner.ok("ip -n ns1 -j -d link show dev dtm7", text("wgk-link.json"))
                .ok("ip -n ns1 -j addr show dev dtm7", text("wgk-addr.json"))
                .ok("ip -n ns1 -4 -j route show dev dtm7", "[]").ok("ip -n ns1 -6 -j route show dev dtm7", "[]")
                .fail("ip netns exec ns1 wg show dtm7 dump", 1, "Unable to access interface: Operation not permitted");
        ConfigException e = assertThrows(ConfigException.class, () -> reader(f).read("dtm7", TunnelIntent.Role.DEVICE));
        assertFalse(e.rejected());
        assertEquals("wg show dtm7 dump failed in netns ns1 (exit 1): Unable to access interface: Operation not permitted",
                e.getMessage());
    }

    @Test
    void anAbsentInterfaceIsEmpty() throws Exception {
        Fixture f = new Fixture(dir);
        f.runner.fail("ip -n ns1 -j -d link show dev dtm0", 1, "Device \"dtm0\" does not exist.\n");
        assertEquals(Optional.empty(), reader(f).read("dtm0", TunnelIntent.Role.DEVICE));
    }

    @Test
    void anyOtherIpFailureIsAReadFailureWithItsText() {
        Fixture f = new Fixture(dir);
        f.runner.fail("ip -n ns1 -j -d link show dev dtm0", 255, "Cannot open network namespace \"ns1\": No such file or directory\n");
        ConfigException e = assertThrows(ConfigException.class, () -> reader(f).read("dtm0", TunnelIntent.Role.DEVICE));
        assertFalse(e.rejected());
        assertEquals("ip -j -d link show dev dtm0 failed in netns ns1 (exit 255): Cannot open network namespace \"ns1\": "
                + "No such file or directory", e.getMessage());
    }

    @Test
    void aFailingAddressListingIsAReadFailure() {
        Fixture f = new Fixture(dir);
        f.runner.ok("ip -n ns1 -j -d link show dev dtm0", text("vxlan4-link.json"))
                .fail("ip -n ns1 -j addr show dev dtm0", 1, "Device \"dtm0\" does not exist.");
        ConfigException e = assertThrows(ConfigException.class, () -> reader(f).read("dtm0", TunnelIntent.Role.DEVICE));
        assertFalse(e.rejected());
        assertTrue(e.getMessage().startsWith("ip -j addr show dev dtm0 failed in netns ns1 (exit 1)"), e.getMessage());
    }

    @Test
    void malformedOutputIsAReadFailureThatQuotesTheCommand() {
        Fixture f = new Fixture(dir);
        f.runner.ok("ip -n ns1 -j -d link show dev dtm0", "[{\"ifname\":\"dtm0\",");
        ConfigException e = assertThrows(ConfigException.class, () -> reader(f).read("dtm0", TunnelIntent.Role.DEVICE));
        assertFalse(e.rejected());
        assertTrue(e.getMessage().startsWith("cannot read dtm0 in netns ns1: ip -j -d link show dev dtm0 printed malformed JSON"),
                e.getMessage());
    }

    @Test
    void anotherInterfaceInTheAnswerIsAReadFailure() {
        Fixture f = new Fixture(dir);
        f.runner.ok("ip -n ns1 -j -d link show dev dtm0", text("vxlan6-link.json"));
        ConfigException e = assertThrows(ConfigException.class, () -> reader(f).read("dtm0", TunnelIntent.Role.DEVICE));
        assertEquals("ip -j -d link show dev dtm0 in netns ns1 listed 1 interfaces instead of dtm0", e.getMessage());
    }

    @Test
    void anInvalidNameIsRefusedBeforeAnythingRuns() {
        Fixture f = new Fixture(dir);
        ConfigException e = assertThrows(ConfigException.class, () -> reader(f).read("-x y", TunnelIntent.Role.DEVICE));
        assertTrue(e.rejected());
        assertTrue(f.runner.lines().isEmpty());
    }

    @Test
    void listsTunnelInterfacesWithThePrefix() throws Exception {
        Fixture f = new Fixture(dir);
        f.runner.ok("ip -n ns1 -j -d link show", text("linkA-list.json"));
        assertEquals(List.of("dtm0", "dtm6"), reader(f).list("dtm"));
        assertEquals(List.of("dtm6"), reader(f).list("dtm6"));
        assertEquals(List.of(), reader(f).list("vcap"), "a veth is no tunnel");
        Fixture g = new Fixture(dir.resolve("g"));
        g.runner.ok("ip -n ns1 -j -d link show", text("linkB-list.json"));
        assertEquals(List.of("wgB"), reader(g).list(""), "wireguard-go's TUN device");
    }

    @Test
    void listFailuresAreReported() {
        Fixture f = new Fixture(dir);
        f.runner.ok("ip -n ns1 -j -d link show", "{}");
        ConfigException e = assertThrows(ConfigException.class, () -> reader(f).list("dtm"));
        assertEquals("cannot list interfaces in netns ns1: ip -j -d link show: expected an array at top level, found an object",
                e.getMessage());
        Fixture g = new Fixture(dir.resolve("g"));
        g.runner.fail("ip -n ns1 -j -d link show", 1, "boom");
        e = assertThrows(ConfigException.class, () -> reader(g).list("dtm"));
        assertEquals("ip -j -d link show failed in netns ns1 (exit 1): boom", e.getMessage());
    }
}
