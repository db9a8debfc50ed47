package net.dtm.vendor.huaweivrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;

/** Reading VRP's configuration text, commit list and refusals. */
class ParsingTest {

    private static final String TUNNELS = String.join("\n",
            "#",
            "interface Tunnel0/0/4007",
            " description dtm:dtm7",
            " mtu 1400",
            " ip address 10.220.0.1 255.255.255.252",
            " tunnel-protocol gre",
            " source 192.0.2.1",
            " destination 198.51.100.7",
            " gre key 4711",
            "#",
            "interface Tunnel0/0/4008",
            " description dtm:dtm8",
            " tunnel-protocol ipv4-ipv4",
            " source GigabitEthernet0/0/1",
            " destination 198.51.100.8",
            "#",
            "interface Tunnel0/0/1",
            " description to the lab",
            "#",
            "return");

    private static final String ROUTES = String.join("\n",
            "ip route-static 0.0.0.0 0.0.0.0 192.0.2.254",
            "ip route-static 10.221.0.0 255.255.0.0 Tunnel0/0/4007 10.220.0.2",
            "ip route-static 10.222.0.0 255.255.255.0 Tunnel0/0/4007 10.220.0.2 preference 70 description x",
            "ip route-static 10.230.0.0 16 Tunnel0/0/4008",
            "ip route-static vpn-instance red 10.0.0.0 255.0.0.0 192.0.2.9",
            "ipv6 route-static fd00:: 64 Tunnel0/0/4007 fe80::1");

    @Test
    void tunnelBlocksReadIntoIntents() {
        Map<String, TunnelConfig> all = TunnelConfig.parseAll(TUNNELS);
        assertEquals(List.of("Tunnel0/0/4007", "Tunnel0/0/4008", "Tunnel0/0/1"), List.copyOf(all.keySet()));
        TunnelConfig t = all.get("Tunnel0/0/4007");
        assertTrue(t.ownedBy("dtm7"));
        assertEquals(Optional.of("dtm7"), t.owner());
        assertEquals(Optional.empty(), all.get("Tunnel0/0/1").owner());
        List<StaticRoute> routes = StaticRoute.parseAll(ROUTES).stream().filter(r -> r.outInterface().equals("Tunnel0/0/4007")).toList();
        TunnelIntent i = t.toIntent("dtm7", TunnelIntent.Role.GATEWAY, routes);
        TunnelIntent expected = Samples.intent("dtm7", TunnelType.GRE, 4711, "10.220.0.1", 30, "10.220.0.2", 1400, "10.221.0.0/16",
                "10.222.0.0/24");
        assertEquals(expected.describe().replace(" device ", " gateway "), i.describe());
        assertEquals(TunnelIntent.Role.GATEWAY, i.role());
    }

    @Test
    void defaultsAndUnknownsReadAsTheSpiConventionsSay() {
        TunnelConfig ipip = TunnelConfig.parseAll(TUNNELS).get("Tunnel0/0/4008");
        TunnelIntent i = ipip.toIntent("dtm8", TunnelIntent.Role.DEVICE, List.of());
        assertEquals(TunnelType.IPIP, i.type());
        assertEquals(1500, i.mtu(), "no mtu line is VRP's default 1500");
        assertEquals("0.0.0.0", Cidr.format(i.localOuter()), "a source interface is no address");
        assertEquals("0.0.0.0", Cidr.format(i.innerAddress()));
        assertEquals("0.0.0.0", Cidr.format(i.peerInner()), "no routes, no peer");
        TunnelIntent none = TunnelConfig.parseAll("interface Tunnel0/0/4009\n description dtm:dtm9\n destination 1.2.3.4\n#")
                .get("Tunnel0/0/4009").toIntent("dtm9", TunnelIntent.Role.DEVICE, List.of());
        assertEquals("0.0.0.0", Cidr.format(none.remoteOuter().getAddress()), "no protocol: endpoints must be redone");
    }

    @Test
    void ipv6AsVrpPrintsIt() {
        TunnelConfig t = TunnelConfig.parseAll(String.join("\n", "interface Tunnel0/0/4007", " description dtm:dtm7",
                " ipv6 enable", " ipv6 address FE80::1 link-local", " ipv6 address FD00::1/64", " tunnel-protocol gre",
                " source 192.0.2.1", " destination 198.51.100.7", "#")).get("Tunnel0/0/4007");
        List<StaticRoute> routes = StaticRoute.parseAll("ipv6 route-static FD01:: 48 Tunnel0/0/4007 FD00::2\n"
                + "ip route-static 10.9.0.0 255.255.0.0 Tunnel0/0/4007 10.220.0.2");
        TunnelIntent i = t.toIntent("dtm7", TunnelIntent.Role.DEVICE, routes.subList(0, 1));
        assertEquals(Samples.intent("dtm7", TunnelType.GRE, 0, "fd00::1", 64, "fd00::2", 1500, "fd01::/48").describe(), i.describe());
        assertEquals("::", Cidr.format(t.toIntent("dtm7", TunnelIntent.Role.DEVICE, List.of()).peerInner()),
                "no routes: the unspecified address of the inner family");
    }

    @Test
    void staticRoutesOfEveryShape() {
        List<StaticRoute> r = StaticRoute.parseAll(ROUTES);
        assertEquals(5, r.size(), r.toString());
        assertEquals(new StaticRoute(Cidr.parse("0.0.0.0/0"), "", Optional.of(Cidr.parseLiteral("192.0.2.254"))), r.get(0));
        assertEquals(new StaticRoute(Cidr.parse("10.230.0.0/16"), "Tunnel0/0/4008", Optional.empty()), r.get(3));
    }

    @Test
    void commitIdsNewestFirst() {
        String list = String.join("\n",
                " ------------------------------------------------------------------------------",
                " No.  CommitId     Label     User          Time",
                " ------------------------------------------------------------------------------",
                " 1    1000000003   -         dtm           2026-01-01 00:01:00+00:00",
                " 2    1000000002   rollback  dtm           2026-01-01 00:00:30+00:00",
                " 3    1000000001   -         root          2026-01-01 00:00:00+00:00");
        assertEquals(List.of("1000000003", "1000000002", "1000000001"), CommitList.ids(list));
        assertEquals(List.of(), CommitList.ids("Info: No commit record."));
    }

    @Test
    void refusalsNameTheWordUnderTheCaret() {
        String prompt = "[~HUAWEI-Tunnel0/0/4007]";
        String out = " ".repeat(prompt.length() + 4) + "^\nError: Wrong parameter found at '^' position.";
        assertEquals(Optional.of("Error: Wrong parameter found at '^' position. (at '10')"), VrpCli.refusal(prompt, "mtu 10", out));
        String incomplete = " ".repeat(prompt.length() + 8) + "^\nError: Incomplete command found at '^' position.";
        assertEquals(Optional.of("Error: Incomplete command found at '^' position. (at the end of the line)"),
                VrpCli.refusal(prompt, "gre key ", incomplete));
        assertEquals(Optional.of("Error: The interface does not exist."), VrpCli.refusal("[~R]", "undo interface Tunnel0/0/1",
                "Error: The interface does not exist."));
        assertEquals(Optional.empty(), VrpCli.refusal("[~R]", "commit", "Info: The trial commit was confirmed."));
    }

    @Test
    void greKeysInThePlainAndCipherFormsVrp8Shows() {
        Map<String, TunnelConfig> all = TunnelConfig.parseAll(String.join("\n",
                "#",
                "interface Tunnel0/0/1",
                " description to the lab",
                " tunnel-protocol gre",
                " gre key cipher %^%#L&'k!Xk~R5(4e=Pq]vR1=,b$+N_w#%^%#",
                "#",
                "interface Tunnel0/0/4007",
                " description dtm:dtm7",
                " tunnel-protocol gre",
                " source 192.0.2.1",
                " destination 198.51.100.7",
                " gre key plain 4711",
                "#",
                "interface Tunnel0/0/4008",
                " description dtm:dtm8",
                " tunnel-protocol gre",
                " source 192.0.2.1",
                " destination 198.51.100.8",
                " gre key cipher %^%#L&'k!Xk~R5(4e=Pq]vR1=,b$+N_w#%^%#",
                "#",
                "return"));
        assertEquals(List.of("Tunnel0/0/1", "Tunnel0/0/4007", "Tunnel0/0/4008"), List.copyOf(all.keySet()));
        assertEquals(4711, all.get("Tunnel0/0/4007").toIntent("dtm7", TunnelIntent.Role.DEVICE, List.of()).key());
        assertEquals(-1, all.get("Tunnel0/0/4008").toIntent("dtm8", TunnelIntent.Role.DEVICE, List.of()).key(),
                "a key DTM cannot read back reads as -1, which no intent has: the diff re-applies DTM's key");
    }

    @Test
    void aLineThatDoesNotParseSpoilsOnlyItsOwnInterface() {
        Map<String, TunnelConfig> all = TunnelConfig.parseAll(String.join("\n",
                "interface Tunnel0/0/1",
                " description operator's",
                " mtu 99999999999",
                " ip address 10.1.1.1 255.0.255.0",
                " gre key 12345678901234567890",
                "#",
                "interface GigabitEthernet0/0/2",
                " ip address dhcp-alloc",
                "#",
                "interface Tunnel0/0/4007",
                " description dtm:dtm7",
                " tunnel-protocol gre",
                " source 192.0.2.1",
                " destination 198.51.100.7",
                "#"));
        assertEquals(List.of("Tunnel0/0/1", "GigabitEthernet0/0/2", "Tunnel0/0/4007"), List.copyOf(all.keySet()));
        assertEquals("operator's", all.get("Tunnel0/0/1").description());
        assertEquals(List.of("mtu", "ip", "gre"), all.get("Tunnel0/0/1").unreadable(), "only the first word: the rest may be a secret");
        assertEquals(List.of(), all.get("Tunnel0/0/4007").unreadable());
        assertEquals(TunnelType.GRE, all.get("Tunnel0/0/4007").toIntent("dtm7", TunnelIntent.Role.DEVICE, List.of()).type());
    }
}
