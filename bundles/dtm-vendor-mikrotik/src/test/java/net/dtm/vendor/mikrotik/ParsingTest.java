package net.dtm.vendor.mikrotik;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.TunnelIntent;

class ParsingTest {

    @Test
    void terseExportWithHeaderColoursAndQuotes() {
        String export = "\u001B[m\u001B[1;30m# 2026-01-01 00:00:00 by RouterOS 7.16.1\u001B[m\r\n# software id = X\r\n#\r\n"
                + "/interface vxlan add comment=dtm:dtm0 mtu=1400 name=dtm0 port=4789 vni=100\r\n"
                + "/interface vxlan vteps add interface=dtm0 remote-ip=198.51.100.2\n"
                + "/ip address add address=10.0.0.1/30 comment=\"a \\\"quoted\\\" text\" interface=dtm0 network=10.0.0.0\n";
        List<ExportParser.Entry> e = ExportParser.parse(export);
        assertEquals(3, e.size());
        assertEquals("/interface vxlan", e.get(0).menu());
        assertEquals(Map.of("comment", "dtm:dtm0", "mtu", "1400", "name", "dtm0", "port", "4789", "vni", "100"),
                e.get(0).properties());
        assertEquals("/interface vxlan vteps", e.get(1).menu());
        assertEquals(Optional.empty(), e.get(1).get("port"), "a default is left out");
        assertEquals("a \"quoted\" text", e.get(2).get("comment").orElseThrow());
        assertEquals("/interface vxlan vteps add interface=dtm0 remote-ip=198.51.100.2", e.get(1).line());
    }

    @Test
    void defaultExportFormWithMenuLinesAndWrapping() {
        String export = "/interface vxlan\nadd comment=dtm:dtm0 local-address=192.0.2.1 mtu=1400 name=dtm0 port=4789 \\\n"
                + "    vni=100\n/ip route\nadd distance=1 dst-address=10.221.0.0/16 gateway=10.220.0.2\n";
        List<ExportParser.Entry> e = ExportParser.parse(export);
        assertEquals(2, e.size());
        assertEquals("100", e.get(0).get("vni").orElseThrow());
        assertEquals("/ip route", e.get(1).menu());
    }

    @Test
    void localAddressesComeFromPrintTerseDynamicOnesIncludedDisabledAndInvalidOnesNot() throws Exception {
        String out = "/ip address add address=192.0.2.1/24 interface=ether1 network=192.0.2.0\n"
                + " 0    address=192.0.2.1/24 interface=ether1 network=192.0.2.0 actual-interface=ether1\r\n"
                + " 1 D  address=203.0.113.7/24 network=203.0.113.0 interface=lte1 actual-interface=lte1\n"
                + " 2 X  address=198.51.100.9/24 interface=ether2\n"
                + " 3    ;;; was address=9.9.9.9/32 before\n"
                + "      address=192.0.2.50/32 interface=ether1\n"
                + " 4 I  address=192.0.2.60/32 interface=*5\n"
                + " 0 DL address=2001:db8:77::7/64 from-pool=\"\" interface=lte1 advertise=no\n";
        RunningStateReader reader = new RunningStateReader(commands -> out);
        assertEquals(List.of(Lab.ip("192.0.2.1"), Lab.ip("203.0.113.7"), Lab.ip("192.0.2.50"), Lab.ip("2001:db8:77::7")),
                reader.addresses());
    }

    @Test
    void aVerboseExportWithoutThePortIsNotReadAsADefault() {
        RunningStateReader reader = new RunningStateReader(
                commands -> "/interface vxlan add comment=dtm:d0 mtu=1500 name=d0 vni=5\n");
        ConfigException e = assertThrows(ConfigException.class, () -> reader.read("d0", TunnelIntent.Role.DEVICE));
        assertTrue(e.getMessage().contains("export verbose shows no port"), e.getMessage());
        assertFalse(e.rejected());
    }

    @Test
    void errorsAreRecognisedAndNoticesIgnored() {
        assertEquals(Optional.empty(), DeviceErrors.of(""));
        assertEquals(Optional.empty(), DeviceErrors.of("[Safe Mode taken]\n"));
        for (String error : List.of("syntax error (line 1 column 5)", "expected end of command (line 1 column 22)",
                "bad command name vxlam (line 1 column 12)", "failure: already have interface with such name",
                "input does not match any value of interface", "invalid value for argument remote-ip",
                "value of mtu out of range (68..65535)")) {
            assertEquals(Optional.of(error), DeviceErrors.of("\u001B[31m" + error + "\u001B[m"), error);
        }
        assertTrue(DeviceErrors.of("something unexpected").isPresent(), "a change prints nothing when it works");
    }

    @Test
    void promptPatternAcceptsIdentitiesPathsSafeModeAndTheHijackQuestion() {
        for (String p : List.of("[admin@MikroTik] > ", "[admin@MikroTik] /interface/vxlan> ", "[admin@MikroTik] <SAFE> ",
                "[admin@MikroTik] /ip/route<SAFE> ",
                "[admin@bus 4711 - a very long identity of a router in a vehicle of the fleet] > ",
                "Hijacking Safe Mode from someone - unroll/release/don't take it [u/r/d]: ")) {
            assertTrue(RouterOsTerminal.PROMPT.matcher(p).find(), p);
        }
        for (String p : List.of("vni: ", "  MikroTik RouterOS 7.16.1 (c) 1999-2024       https://www.mikrotik.com/",
                "/interface vxlan add name=x")) {
            assertTrue(!RouterOsTerminal.PROMPT.matcher(p).find(), p);
        }
    }
}
