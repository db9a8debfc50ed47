package net.dtm.vendor.ciscoios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;

/** Parsing what IOS prints, including the defaults it leaves out. */
class RunningConfigParserTest {

    private final RunningConfigParser p = new RunningConfigParser();

    private static final String LISTING = String.join("\n",
            "interface Tunnel1",
            "interface Tunnel4007",
            " description dtm:dtm7",
            "interface Tunnel4008",
            " description uplink",
            "ip route 0.0.0.0 0.0.0.0 192.0.2.254",
            "ip route 10.221.0.0 255.255.0.0 Tunnel4007 10.220.0.2",
            "ip route 172.16.8.0 255.255.255.0 Tunnel4007 10.220.0.2 name depot",
            "ip route 172.16.9.0 255.255.255.0 Tunnel40070 10.9.9.9",
            "ipv6 route 2001:DB8:100::/48 Tunnel4007 FD00:220::2");

    @Test
    void listsTunnelsWithTheirDescriptions() {
        assertEquals(Map.of("Tunnel1", "", "Tunnel4007", "dtm:dtm7", "Tunnel4008", "uplink"), p.tunnels(LISTING));
    }

    @Test
    void keepsOnlyTheRoutesThroughTheTunnel() {
        assertEquals(List.of(new RunningConfigParser.Route(Cidr.parse("10.221.0.0/16"), Cidr.parseLiteral("10.220.0.2")),
                new RunningConfigParser.Route(Cidr.parse("172.16.8.0/24"), Cidr.parseLiteral("10.220.0.2")),
                new RunningConfigParser.Route(Cidr.parse("2001:db8:100::/48"), Cidr.parseLiteral("fd00:220::2"))),
                p.routes(LISTING, "Tunnel4007"));
    }

    @Test
    void readsEveryFieldOfATunnel() {
        String out = String.join("\r\n", "Building configuration...", "", "Current configuration : 250 bytes", "!",
                "interface Tunnel4007", " description dtm:dtm7", " ip address 10.220.0.1 255.255.255.252", " ip mtu 1400",
                " ipv6 mtu 1400", " tunnel source 192.0.2.1", " tunnel destination 198.51.100.7", " tunnel key 4711", "end", "");
        TunnelIntent t = p.tunnel(out, "dtm7", TunnelIntent.Role.GATEWAY, p.routes(LISTING, "Tunnel4007").subList(0, 2));
        assertEquals(Samples.gre("dtm7").withMtu(1400), new TunnelIntent(t.name(), TunnelIntent.Role.DEVICE, t.type(),
                t.localOuter(), t.remoteOuter(), t.key(), t.innerAddress(), t.prefixLength(), t.peerInner(), t.routes(), t.mtu(),
                t.wireGuard(), 0));
        assertEquals(TunnelIntent.Role.GATEWAY, t.role());
    }

    @Test
    void absentModeIsGreAndAbsentMtuIsTheTransportDefault() {
        String gre = "interface Tunnel4001\n no ip address\n tunnel source 192.0.2.1\n tunnel destination 198.51.100.7\nend\n";
        TunnelIntent t = p.tunnel(gre, "dtm1", TunnelIntent.Role.DEVICE, List.of());
        assertEquals(TunnelType.GRE, t.type());
        assertEquals(1476, t.mtu());
        assertEquals(Cidr.parseLiteral("0.0.0.0"), t.innerAddress(), "no address reads as unspecified");
        assertEquals(Cidr.parseLiteral("0.0.0.0"), t.peerInner(), "no routes: the peer is unknown");
        assertEquals(1472, p.tunnel(gre.replace("end", " tunnel key 9\nend"), "dtm1", TunnelIntent.Role.DEVICE, List.of()).mtu());
        assertEquals(1480, p.tunnel(gre.replace("end", " tunnel mode ipip\nend"), "dtm1", TunnelIntent.Role.DEVICE, List.of()).mtu());
    }

    @Test
    void ipv6InnerTakesTheIpv6MtuAndUpperCaseAddresses() {
        String out = "interface Tunnel4001\n no ip address\n ipv6 address FE80::1 link-local\n ipv6 address FD00:220::1/64\n"
                + " ipv6 mtu 1400\n tunnel source 2001:DB8::1\n tunnel destination 2001:DB8:FFFF::9\n tunnel mode gre ipv6\nend\n";
        TunnelIntent t = p.tunnel(out, "dtm1", TunnelIntent.Role.DEVICE, List.of());
        assertEquals(Cidr.parseLiteral("fd00:220::1"), t.innerAddress());
        assertEquals(64, t.prefixLength());
        assertEquals(1400, t.mtu());
        assertEquals(Cidr.parseLiteral("2001:db8::1"), t.localOuter());
        assertEquals(Cidr.parseLiteral("::"), t.peerInner());
    }

    @Test
    void aSourceInterfaceReadsAsUnspecifiedAndAForeignModeIsRefused() {
        String out = "interface Tunnel4001\n tunnel source GigabitEthernet0/0\n tunnel destination 198.51.100.7\nend\n";
        assertEquals(Cidr.parseLiteral("0.0.0.0"), p.tunnel(out, "dtm1", TunnelIntent.Role.DEVICE, List.of()).localOuter());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.tunnel(
                out.replace("end", " tunnel mode gre multipoint\nend"), "dtm1", TunnelIntent.Role.DEVICE, List.of()));
        assertTrue(e.getMessage().contains("gre multipoint"), e.getMessage());
    }

    @Test
    void readsTheAddressesInUseFromTheBriefListings() {
        String v4 = String.join("\r\n",
                "Interface              IP-Address      OK? Method Status                Protocol",
                "GigabitEthernet0/0/0   192.0.2.1       YES NVRAM  up                    up      ",
                "GigabitEthernet0/0/1   10.20.30.41     YES DHCP   up                    up      ",
                "GigabitEthernet0/0/2   unassigned      YES unset  administratively down down    ",
                "Cellular0/2/0          100.64.17.9     YES IPCP   up                    up      ",
                "TenGigabitEthernet0/1/0.100 10.9.0.1   YES manual up                    up      ");
        assertEquals(Set.of(Cidr.parseLiteral("192.0.2.1"), Cidr.parseLiteral("10.20.30.41"), Cidr.parseLiteral("100.64.17.9"),
                Cidr.parseLiteral("10.9.0.1")), p.briefAddresses(v4));
        String v6 = String.join("\n", "GigabitEthernet0/0/0   [up/up]", "    unassigned", "Cellular0/2/0          [up/up]",
                "    FE80::5054:FF:FE00:5", "    2001:DB8:CE11::9", "Tunnel4000             [up/down]", "    FE80::1",
                "    FD00:220::1");
        assertEquals(Set.of(Cidr.parseLiteral("fe80::5054:ff:fe00:5"), Cidr.parseLiteral("2001:db8:ce11::9"),
                Cidr.parseLiteral("fe80::1"), Cidr.parseLiteral("fd00:220::1")), p.briefAddresses(v6));
    }

    @Test
    void readsTheSecondaryAddressesTheBriefListingLeavesOut() {
        String out = "interface GigabitEthernet0/0\n ip address 192.0.2.77 255.255.255.0 secondary\n"
                + "interface GigabitEthernet0/1\n ip address dhcp\n";
        assertEquals(Set.of(Cidr.parseLiteral("192.0.2.77")), p.secondaryAddresses(out));
    }

    @Test
    void theTunnelListingEndsTheLastTunnelAtTheNextInterface() {
        // what IOS XE prints (tunnels before the physical interfaces), filtered by the session's own include
        String config = String.join("\n", "!", "vrf definition Mgmt-intf", " description management", "!",
                "interface Loopback0", " description router id", " ip address 10.255.0.1 255.255.255.255", "!",
                "interface Tunnel4000", " description dtm:dtm0", " no ip address", "!", "interface Tunnel4001",
                " ip address 10.9.9.1 255.255.255.252", "!", "interface GigabitEthernet0/0/0",
                " description WAN uplink (Cellular0/1/0)", " ip address 192.0.2.1 255.255.255.0", "!",
                "ip route 10.221.0.0 255.255.0.0 Tunnel4000 10.220.0.2", "!", "route-map EXPORT permit 10",
                " description dtm:dtm1", "!", "end");
        String filter = CiscoIosSession.LIST_TUNNELS.substring(CiscoIosSession.LIST_TUNNELS.indexOf("include ") + 8);
        java.util.regex.Pattern include = java.util.regex.Pattern.compile(filter);
        String listing = String.join("\n", config.lines().filter(l -> include.matcher(l).find()).toList());
        assertEquals(Map.of("Tunnel4000", "dtm:dtm0", "Tunnel4001", ""), p.tunnels(listing));
    }
}
