package net.dtm.vendor.ciscoios.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import net.dtm.config.ssh.testkit.EmulatedShell;
import net.dtm.config.ssh.testkit.ManualClock;

/** The emulator behaves as IOS does where the adapter could get it wrong. */
class IosDeviceTest {

    private static final String HOST = "edge-router-with-a-rather-long-hostname-01";
    private final ManualClock clock = new ManualClock();
    private final IosDevice device = new IosDevice(HOST, "192.0.2.1", clock);
    private final EmulatedShell sh = device.openShell();

    /** Types {@code line} as a person would see it: the prompt, the line, the output. */
    private String type(String line) {
        return sh.line(line);
    }

    private void ok(String... lines) {
        for (String l : lines) {
            String out = type(l);
            assertFalse(out.contains("%"), () -> "'" + l + "' failed: " + out);
        }
    }

    @Test
    void promptsFollowModesAndTheHostnameAtOnce() {
        assertEquals(HOST + "#", sh.prompt());
        assertEquals("Enter configuration commands, one per line.  End with CNTL/Z.\n", type("configure terminal"));
        assertEquals(HOST + "(config)#", sh.prompt());
        ok("interface Tunnel5");
        assertEquals(HOST + "(config-if)#", sh.prompt());
        ok("hostname r2");
        assertEquals("r2(config)#", sh.prompt(), "hostname is global: it leaves interface mode and renames at once");
        EmulatedShell other = device.openShell();
        assertEquals("r2#", other.prompt(), "the hostname is the device's, the mode the session's");
        ok("end");
        assertEquals("r2#", sh.prompt());
        ok("disable");
        assertEquals("r2>", sh.prompt());
        assertTrue(type("configure terminal").contains("% Invalid input"), "no configuration from user EXEC");
        ok("enable");
        assertEquals("r2#", sh.prompt());
    }

    @Test
    void invalidInputPutsTheCaretUnderTheOffendingWord() {
        ok("configure terminal", "interface Tunnel5");
        String prompt = sh.prompt();
        String out = type("ip mtu 40");
        assertEquals(" ".repeat(prompt.length() + 7) + "^\n% Invalid input detected at '^' marker.\n\n", out);
        assertEquals(" ".repeat(prompt.length() + 3) + "^", type("ip mtoo 1400").split("\n")[0]);
        assertEquals("% Incomplete command.\n\n", type("ip mtu"));
        ok("exit");
        String global = sh.prompt();
        assertEquals(" ".repeat(global.length()) + "^", type("tunnel source 192.0.2.1").split("\n")[0],
                "an interface command in global mode");
        assertEquals(" ".repeat(global.length()) + "^", type("show running-config").split("\n")[0],
                "an EXEC command in configuration mode");
        assertTrue(type("do show running-config").contains("hostname " + HOST));
        assertEquals("%Inconsistent address and mask\n", type("ip route 10.1.0.1 255.255.0.0 192.0.2.254"));
        ok("end");
        assertTrue(type("interface Tunnel5").contains("% Invalid input"), "a configuration command in EXEC");
    }

    @Test
    void theRunningConfigIsAModelPrintedAsIosDoes() {
        ok("terminal length 0", "configure terminal", "interface Tunnel4000", "description dtm:dtm0",
                "ipv6 address fd00:220::1/64", "tunnel mode gre ip", "tunnel source 192.0.2.1", "tunnel destination 198.51.100.7",
                "ipv6 route 2001:db8:100::/48 Tunnel4000 fd00:220::2", "interface Tunnel4000", "ip mtu 1400",
                "ip route 10.221.0.0 255.255.0.0 Tunnel4000 10.220.0.2", "end");
        String out = type("show running-config interface Tunnel4000");
        assertTrue(out.startsWith("Building configuration...\n\nCurrent configuration : "), out);
        assertTrue(out.endsWith("!\ninterface Tunnel4000\n description dtm:dtm0\n no ip address\n ip mtu 1400\n"
                + " ipv6 address FD00:220::1/64\n tunnel source 192.0.2.1\n tunnel destination 198.51.100.7\nend\n\n"), out);
        assertEquals("interface Loopback0\ninterface Tunnel4000\ninterface GigabitEthernet0/0\ninterface GigabitEthernet0/1\n"
                + "interface Cellular0/1/0\nip route 10.221.0.0 255.255.0.0 Tunnel4000 10.220.0.2\n"
                + "ipv6 route 2001:DB8:100::/48 Tunnel4000 FD00:220::2\n",
                type("show running-config | include ^interface |^ip route|^ipv6 route"));
        assertTrue(type("show running-config interface Tunnel4001").contains("% Invalid input"), "no such interface");
        ok("configure terminal", "no interface Tunnel4000", "end");
        assertFalse(String.join("\n", device.runningConfig()).contains("Tunnel4000"),
                "deleting the interface takes its static routes with it");
        ok("configure terminal");
        assertEquals("%No matching route to delete\n", type("no ip route 10.221.0.0 255.255.0.0 192.0.2.254"));
    }

    @Test
    void interfacesArePrintedInIosOrderTunnelsBeforeThePhysicalOnes() {
        ok("terminal length 0", "configure terminal", "interface Tunnel10", "interface Tunnel2", "interface Tunnel4001",
                "description dtm:dtm1", "end");
        // as IOS / IOS XE print them: loopbacks, then tunnels by number (2 before 10), then the
        // physical interfaces by slot, each section closed by "!"
        String listing = type("show running-config | include ^interface |^ description|^!");
        assertEquals(String.join("\n", "interface Loopback0", " description router id", "!", "interface Tunnel2", "!",
                "interface Tunnel10", "!", "interface Tunnel4001", " description dtm:dtm1", "!", "interface GigabitEthernet0/0",
                " description WAN uplink (fibre)", "!", "interface GigabitEthernet0/1", " description depot Wi-Fi bridge", "!",
                "interface Cellular0/1/0", " description WAN uplink (Cellular0/1/0)", "!", "!"),
                listing.substring(listing.indexOf("interface Loopback0")).strip());
        assertTrue(String.join("\n", device.runningConfig()).contains("interface GigabitEthernet0/1\n description depot Wi-Fi bridge\n"
                + " ip address dhcp\n!\ninterface Cellular0/1/0\n description WAN uplink (Cellular0/1/0)\n ip address negotiated\n"
                + " ipv6 address autoconfig\n!"), device.runningConfig()::toString);
        assertTrue(IosConfig.interfaceOrder("Vlan1", "GigabitEthernet0") > 0 && IosConfig.interfaceOrder("GigabitEthernet0", "Cellular0/1/0") > 0
                && IosConfig.interfaceOrder("Port-channel1", "Tunnel0") < 0);
    }

    @Test
    void theBriefListingsShowTheAddressesInUseDhcpAndNegotiatedIncluded() {
        ok("configure terminal", "interface Tunnel4001", "ip address 10.220.0.1 255.255.255.252", "tunnel source 192.0.2.1",
                "tunnel destination 198.51.100.7", "interface GigabitEthernet0/0", "ip address 192.0.2.77 255.255.255.0 secondary", "end");
        assertEquals(String.join("\n",
                "Interface              IP-Address      OK? Method Status                Protocol",
                "Loopback0              10.255.0.1      YES manual up                    up",
                "Tunnel4001             10.220.0.1      YES manual up                    up",
                "GigabitEthernet0/0     192.0.2.1       YES manual up                    up",
                "GigabitEthernet0/1     10.20.30.41     YES DHCP   up                    up",
                "Cellular0/1/0          100.64.17.9     YES IPCP   up                    up", ""),
                type("show ip interface brief"), "a secondary address is not listed, as on IOS");
        assertTrue(device.runningConfig().containsAll(List.of(" ip address 192.0.2.77 255.255.255.0 secondary", " ip address 192.0.2.1 255.255.255.0")));
        assertEquals(String.join("\n", "Cellular0/1/0          [up/up]", "    FE80::5054:FF:FE00:5", "    2001:DB8:CE11::9"),
                type("sh ipv6 int br | begin ^Cellular").strip());
        assertTrue(type("show ipv6 interface brief").startsWith("Loopback0              [up/up]\n    unassigned\n"));
        device.lease("GigabitEthernet0/1", null);
        assertTrue(type("show ip interface brief").contains("GigabitEthernet0/1     unassigned      YES DHCP   up                    down"));
    }

    @Test
    void withoutTerminalLengthZeroLongOutputIsPaged() {
        ok("configure terminal");
        for (int i = 0; i < 30; i++) {
            ok("interface Tunnel" + i);
        }
        ok("end");
        assertTrue(type("show running-config").contains(" --More-- "));
        ok("terminal length 0");
        assertFalse(type("show running-config").contains("--More--"));
    }

    @Test
    void theRevertTimerRestoresTheCheckpointUnlessConfirmedEvenAfterTheSessionDropped() {
        List<String> before = device.runningConfig();
        assertTrue(type("configure terminal revert timer 2").contains("Rollback"));
        assertEquals(HOST + "(config)#", sh.prompt());
        ok("interface Tunnel7", "ip mtu 1300", "end");
        assertTrue(device.showArchive().contains("<- Most Recent"));
        device.sessionEnded(sh);
        clock.advance(Duration.ofSeconds(119));
        assertTrue(device.revertPending());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(before, device.runningConfig());
        assertFalse(device.revertPending());

        ok("configure terminal revert timer 1", "interface Tunnel7", "end", "configure confirm");
        clock.advance(Duration.ofMinutes(5));
        assertTrue(device.runningConfig().contains("interface Tunnel7"), "a confirmed change stays");
        assertEquals("%No Rollback Confirmed Change pending.\n", type("configure confirm"));

        ok("configure terminal revert timer 1", "no interface Tunnel7", "end");
        assertTrue(type("show archive config differences " + mostRecent() + " system:running-config").contains("-interface Tunnel7"));
        assertEquals("Rollback Done\n", type("configure revert now"));
        assertTrue(device.runningConfig().contains("interface Tunnel7"));
    }

    @Test
    void abbreviationsWorkAndAmbiguousOnesAreRefused() {
        ok("conf t", "int tu4000", "ip mtu 1400", "end");
        assertTrue(type("sh run int Tunnel4000").contains(" ip mtu 1400"));
        assertEquals("% Ambiguous command:  \"e\"\n", type("e"), "enable and exit");
        ok("conf t", "int Tunnel4000");
        assertTrue(type("ho r9").isEmpty(), "a global command abbreviated in interface mode");
        assertEquals("r9(config)#", sh.prompt());
    }

    @Test
    void theArchiveIsConfiguredAsTheAdapterTellsTheOperator() {
        device.archive(false);
        assertTrue(type("configure terminal revert timer 5").startsWith("%Archive path is not configured"));
        ok("configure terminal", "archive");
        assertEquals(HOST + "(config-archive)#", sh.prompt());
        ok("path flash:dtm-archive", "maximum 14", "end");
        assertTrue(device.runningConfig().containsAll(List.of("archive", " path flash:dtm-archive", " maximum 14")));
        assertTrue(type("show archive").startsWith("The maximum archive configurations allowed is 14."));
        assertTrue(type("configure terminal revert timer 5").contains("Rollback"));
        ok("end", "configure confirm");
    }

    @Test
    void withoutAnArchiveThereIsNoRevertTimer() {
        device.archive(false);
        assertEquals("Archive feature not enabled\n", type("show archive"));
        assertTrue(type("configure terminal revert timer 5").startsWith("%Archive path is not configured"));
        assertEquals(HOST + "#", sh.prompt());
        assertTrue(type("configure terminal revert timer 121").contains("% Invalid input"));
    }

    @Test
    void aRefusedLineGetsTheInvalidInputError() {
        device.refuse(Pattern.compile("ip mtu 1380"));
        ok("configure terminal", "interface Tunnel7");
        assertTrue(type("ip mtu 1380").contains("% Invalid input detected at '^' marker."));
        ok("ip mtu 1381");
        assertEquals(List.of("configure terminal", "interface Tunnel7", "ip mtu 1380", "ip mtu 1381"), device.received());
    }

    private String mostRecent() {
        var m = Pattern.compile("(\\S+) <- Most Recent").matcher(device.showArchive());
        assertTrue(m.find());
        return m.group(1);
    }
}
