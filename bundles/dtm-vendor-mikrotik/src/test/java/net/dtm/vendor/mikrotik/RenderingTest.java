package net.dtm.vendor.mikrotik;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;

class RenderingTest {

    private final MikrotikTunnelInterfaces tunnels = new MikrotikTunnelInterfaces();

    @Test
    void vxlanIsATaggedInterfaceAndOneStaticVtepFoundByItsInterface() {
        assertEquals(List.of(
                "/interface vxlan add name=dtmc0 vni=4711 port=4789 local-address=192.0.2.1 comment=\"dtm:dtmc0\"",
                "/interface vxlan vteps add interface=dtmc0 remote-ip=198.51.100.2"),
                tunnels.create(Lab.sample(TunnelType.VXLAN)));
    }

    @Test
    void vxlanOverIpv6SetsTheVtepVersion() {
        TunnelIntent s = Lab.sample(TunnelType.VXLAN);
        TunnelIntent v6 = s.withLocalOuter(Lab.ip("2001:db8::1")).withRemoteOuter(new InetSocketAddress(Lab.ip("2001:db8:9::2"), 4789));
        assertTrue(tunnels.create(v6).get(0).contains(" local-address=2001:db8::1 vteps-ip-version=ipv6 "));
        assertTrue(tunnels.recreates(v6, s), "the VTEP version cannot change in place");
    }

    @Test
    void greAndIpipHaveNoPortAndNoKey() {
        assertEquals(List.of("/interface gre add name=dtmc0 local-address=192.0.2.1 remote-address=198.51.100.2 "
                + "comment=\"dtm:dtmc0\""), tunnels.create(Lab.sample(TunnelType.GRE)));
        assertEquals(List.of("/interface ipip add name=dtmc0 local-address=192.0.2.1 remote-address=198.51.100.2 "
                + "comment=\"dtm:dtmc0\""), tunnels.create(Lab.sample(TunnelType.IPIP)));
    }

    @Test
    void validateRefusesAGreKeyAndGreOrIpipOverIpv6() {
        TunnelIntent gre = Lab.sample(TunnelType.GRE);
        TunnelIntent keyed = new TunnelIntent(gre.name(), gre.role(), gre.type(), gre.localOuter(), gre.remoteOuter(), 7,
                gre.innerAddress(), gre.prefixLength(), gre.peerInner(), gre.routes(), gre.mtu(), Optional.empty(), 0);
        assertTrue(tunnels.validate(keyed).get(0).contains("no key"), tunnels.validate(keyed).toString());
        TunnelIntent ipip6 = Lab.sample(TunnelType.IPIP).withLocalOuter(Lab.ip("2001:db8::1"));
        assertFalse(tunnels.validate(ipip6).isEmpty());
        assertEquals(List.of(), tunnels.validate(Lab.sample(TunnelType.VXLAN)));
        assertEquals(List.of(), tunnels.validate(gre));
    }

    @Test
    void updateInPlaceOrRecreate() {
        TunnelIntent s = Lab.sample(TunnelType.VXLAN);
        TunnelIntent moved = s.withLocalOuter(Lab.ip("192.0.2.9"));
        assertFalse(tunnels.recreates(moved, s));
        assertEquals(List.of(
                "/interface vxlan set [find where name=dtmc0] vni=4711 port=4789 local-address=192.0.2.9",
                "/interface vxlan vteps remove [find where interface=dtmc0]",
                "/interface vxlan vteps add interface=dtmc0 remote-ip=198.51.100.2"),
                tunnels.update(moved, s));
        TunnelIntent gre = Lab.sample(TunnelType.GRE);
        assertTrue(tunnels.recreates(gre, s));
        List<String> recreate = tunnels.update(gre, s);
        assertEquals(tunnels.delete("dtmc0").get(0), recreate.get(0));
        assertTrue(recreate.get(1).startsWith("/interface gre add name=dtmc0 "));
    }

    @Test
    void deleteIsOneLineThatFindsOnlyTheTunnelsObjects() {
        List<String> delete = tunnels.delete("dtmc0");
        assertEquals(1, delete.size());
        String line = delete.get(0);
        assertTrue(line.startsWith("/ip route remove [find where comment=\"dtm:dtmc0\"]; "), line);
        assertTrue(line.endsWith("/interface ipip remove [find where name=dtmc0]"), line);
        assertEquals(8, line.split("; ").length);
    }

    @Test
    void addressesRoutesAndMtu() {
        MikrotikAddressing a = new MikrotikAddressing();
        assertEquals(List.of("/ip address add address=10.220.0.1/30 interface=dtmc0 comment=\"dtm:dtmc0\""),
                a.addAddress("dtmc0", Lab.ip("10.220.0.1"), 30));
        assertEquals(List.of("/ipv6 address add address=fd00::1/64 interface=dtmc0 advertise=no comment=\"dtm:dtmc0\""),
                a.addAddress("dtmc0", Lab.ip("fd00::1"), 64));
        assertEquals(List.of("/ip address remove [find where address=\"10.220.0.1/30\" interface=dtmc0]"),
                a.removeAddress("dtmc0", Lab.ip("10.220.0.1"), 30));
        MikrotikRoutes r = new MikrotikRoutes();
        assertEquals(List.of("/ip route add dst-address=10.221.0.0/16 gateway=10.220.0.2 comment=\"dtm:dtmc0\""),
                r.addRoute("dtmc0", Cidr.parse("10.221.0.0/16"), Lab.ip("10.220.0.2")));
        assertEquals(List.of("/ipv6 route remove [find where dst-address=fd01::/48 comment=\"dtm:dtmc0\"]"),
                r.removeRoute("dtmc0", Cidr.parse("fd01::/48")));
        assertEquals(List.of("/interface set [find where name=dtmc0] mtu=1380"), new MikrotikLinkSettings().setMtu("dtmc0", 1380));
    }

    @Test
    void quotingEscapesRouterOsSpecials() {
        assertEquals("\"a \\\"b\\\" \\$c\\\\\"", RouterOsSyntax.quote("a \"b\" $c\\"));
    }
}
