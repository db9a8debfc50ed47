package net.dtm.vendor.linux;

import static net.dtm.vendor.linux.Samples.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.TunnelType;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/**
 * VXLAN built for real at both ends of a veth pair between two namespaces, through the adapter's
 * sessions: pinged inner to inner, read back field by field, changed, deleted. Needs root.
 */
class LinuxLiveVxlanTest {

    private final VendorAdapter adapter = new LinuxAdapter();
    private LiveNetwork net;

    @BeforeEach
    void network() {
        LiveNetwork.assumeAvailable();
        LiveNetwork.assumeInstalled("ping");
        net = LiveNetwork.create();
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    private TunnelIntent end(String name, String local, String remote, long key, String inner, int prefix, String peer, int mtu,
                             String... routes) {
        return Samples.intent(name, TunnelType.VXLAN, local, remote, 4789, key, inner, prefix, peer, mtu, routes);
    }

    @Test
    void vxlanOverIpv4IsBuiltPingedReadBackChangedAndDeleted() throws Exception {
        TunnelIntent a = end("dtmv0", net.outerA(), net.outerB(), 4242, "10.201.0.1", 30, "10.201.0.2", 1400, "10.202.0.0/16");
        TunnelIntent b = end("dtmv0", net.outerB(), net.outerA(), 4242, "10.201.0.2", 30, "10.201.0.1", 1400, "10.203.0.0/16",
                "10.204.0.0/16");
        TunnelInterfaceBehaviour tunnels = Render.tunnels(adapter);
        try (ConfigSession sa = adapter.open(LiveNetwork.target(net.nsA)); ConfigSession sb = adapter.open(LiveNetwork.target(net.nsB))) {
            assertEquals(List.of(), tunnels.validate(a));
            assertEquals(List.of(), sa.check(a));
            assertEquals(List.of(), sb.check(b));
            assertEquals(Optional.empty(), sa.read("dtmv0", TunnelIntent.Role.DEVICE));

            sa.apply(Render.build(adapter, a));
            sb.apply(Render.build(adapter, b));

            assertEquals(Optional.of(a), sa.read("dtmv0", TunnelIntent.Role.DEVICE));
            assertEquals(Optional.of(b), sb.read("dtmv0", TunnelIntent.Role.DEVICE));
            assertEquals(List.of("dtmv0"), sa.list("dtm"));
            assertTrue(sa.probe(a, Duration.ofSeconds(5)), "A pings B's inner address");
            assertTrue(sb.probe(b, Duration.ofSeconds(5)), "B pings A's inner address");

            TunnelIntent smaller = a.withMtu(1380);
            sa.apply(adapter.behaviour(net.dtm.spi.config.LinkSettingsBehaviour.class).orElseThrow().setMtu("dtmv0", 1380));
            assertEquals(Optional.of(smaller), sa.read("dtmv0", TunnelIntent.Role.DEVICE));
            assertTrue(sa.probe(smaller, Duration.ofSeconds(5)));

            sb.apply(tunnels.delete("dtmv0"));
            assertEquals(Optional.empty(), sb.read("dtmv0", TunnelIntent.Role.DEVICE));
            assertFalse(sa.probe(smaller, Duration.ofSeconds(1)), "nobody answers once B's end is gone");

            sa.apply(tunnels.delete("dtmv0"));
            assertEquals(Optional.empty(), sa.read("dtmv0", TunnelIntent.Role.DEVICE));
            assertEquals(List.of(), sa.list("dtm"));
        }
    }

    @Test
    void vxlanOverIpv6CarryingIpv6() throws Exception {
        TunnelIntent a = end("dtmv6", net.outer6A(), net.outer6B(), 77, "fd00:b0::1", 64, "fd00:b0::2", 1400, "fd00:b1::/48");
        TunnelIntent b = end("dtmv6", net.outer6B(), net.outer6A(), 77, "fd00:b0::2", 64, "fd00:b0::1", 1400, "::/0");
        try (ConfigSession sa = adapter.open(LiveNetwork.target(net.nsA)); ConfigSession sb = adapter.open(LiveNetwork.target(net.nsB))) {
            assertEquals(List.of(), sa.check(a));
            sa.apply(Render.build(adapter, a));
            sb.apply(Render.build(adapter, b));
            assertEquals(Optional.of(a), sa.read("dtmv6", TunnelIntent.Role.DEVICE));
            assertEquals(Optional.of(b), sb.read("dtmv6", TunnelIntent.Role.GATEWAY).map(t -> withRole(t, TunnelIntent.Role.DEVICE)));
            assertTrue(sa.probe(a, Duration.ofSeconds(5)));
        }
    }

    @Test
    void changingTheKeyRecreatesTheInterfaceInOneBatch() throws Exception {
        TunnelIntent a = end("dtmv1", net.outerA(), net.outerB(), 10, "10.206.0.1", 30, "10.206.0.2", 1400, "10.207.0.0/16");
        TunnelIntent b = end("dtmv1", net.outerB(), net.outerA(), 10, "10.206.0.2", 30, "10.206.0.1", 1400);
        TunnelInterfaceBehaviour tunnels = Render.tunnels(adapter);
        try (ConfigSession sa = adapter.open(LiveNetwork.target(net.nsA)); ConfigSession sb = adapter.open(LiveNetwork.target(net.nsB))) {
            sa.apply(Render.build(adapter, a));
            sb.apply(Render.build(adapter, b));
            TunnelIntent a2 = withKey(a, 11);
            TunnelIntent b2 = withKey(b, 11);
            for (TunnelIntent[] change : new TunnelIntent[][] {{a2, a}, {b2, b}}) {
                assertTrue(tunnels.recreates(change[0], change[1]));
            }
            List<String> batchA = new java.util.ArrayList<>(tunnels.update(a2, a));
            batchA.addAll(Render.settings(adapter, a2));
            sa.apply(batchA);
            List<String> batchB = new java.util.ArrayList<>(tunnels.update(b2, b));
            batchB.addAll(Render.settings(adapter, b2));
            sb.apply(batchB);
            assertEquals(Optional.of(a2), sa.read("dtmv1", TunnelIntent.Role.DEVICE));
            assertEquals(11, sb.read("dtmv1", TunnelIntent.Role.DEVICE).orElseThrow().key());
            assertTrue(sa.probe(a2, Duration.ofSeconds(5)));
        }
    }

    @Test
    void aRefusedLineIsNamedAndWhatRanBeforeItStays() throws Exception {
        TunnelIntent a = end("dtmv2", net.outerA(), net.outerB(), 12, "10.208.0.1", 30, "10.208.0.2", 1400);
        try (ConfigSession sa = adapter.open(LiveNetwork.target(net.nsA))) {
            sa.apply(Render.tunnels(adapter).create(a));
            List<String> again = List.of("ip link set dev dtmv2 mtu 1300", Render.tunnels(adapter).create(a).get(0),
                    "ip link set dev dtmv2 mtu 1200");
            ConfigException e = assertThrows(ConfigException.class, () -> sa.apply(again));
            assertTrue(e.rejected());
            assertEquals("ip refused line 2 '" + again.get(1) + "' in netns " + net.nsA + ": RTNETLINK answers: File exists",
                    e.getMessage());
            assertEquals(1300, sa.read("dtmv2", TunnelIntent.Role.DEVICE).orElseThrow().mtu(), "line 1 ran, line 3 did not");
            assertEquals(ip("0.0.0.0"), sa.read("dtmv2", TunnelIntent.Role.DEVICE).orElseThrow().innerAddress());
        }
    }

    @Test
    void checkReportsAnAbsentLocalAddressAndAnUnreachableEndpoint() throws Exception {
        TunnelIntent lost = end("dtmv3", "192.0.2.77", "203.0.113.5", 13, "10.209.0.1", 30, "10.209.0.2", 1400);
        try (ConfigSession sa = adapter.open(LiveNetwork.target(net.nsA))) {
            List<String> problems = sa.check(lost);
            assertEquals(2, problems.size(), problems.toString());
            assertEquals("local outer address 192.0.2.77 is not configured in netns " + net.nsA, problems.get(0));
            assertTrue(problems.get(1).startsWith("endpoint 203.0.113.5 unreachable in netns " + net.nsA + ": RTNETLINK answers: "),
                    problems.get(1));
        }
    }

    private static TunnelIntent withKey(TunnelIntent t, long key) {
        return new TunnelIntent(t.name(), t.role(), t.type(), t.localOuter(), t.remoteOuter(), key, t.innerAddress(), t.prefixLength(),
                t.peerInner(), t.routes(), t.mtu(), t.wireGuard(), t.persistentKeepaliveSeconds());
    }

    private static TunnelIntent withRole(TunnelIntent t, TunnelIntent.Role role) {
        return new TunnelIntent(t.name(), role, t.type(), t.localOuter(), t.remoteOuter(), t.key(), t.innerAddress(), t.prefixLength(),
                t.peerInner(), t.routes(), t.mtu(), t.wireGuard(), t.persistentKeepaliveSeconds());
    }
}
