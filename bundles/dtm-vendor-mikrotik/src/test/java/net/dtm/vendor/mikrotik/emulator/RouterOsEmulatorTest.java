package net.dtm.vendor.mikrotik.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import net.dtm.config.ssh.testkit.EmulatedShell;

/** The emulator on its own, driven as the SSH server drives it: it must behave as RouterOS does. */
class RouterOsEmulatorTest {

    private static final char CTRL_X = '\u0018';

    private final RouterOsEmulator device = new RouterOsEmulator();
    private final EmulatedShell shell = device.openShell();

    @Test
    void promptsFollowPathIdentityAndSafeMode() {
        assertEquals("[admin@MikroTik] > ", shell.prompt());
        assertEquals("", shell.line("/interface vxlan"));
        assertEquals("[admin@MikroTik] /interface/vxlan> ", shell.prompt());
        assertEquals("", shell.line("/"));
        String longName = "bus 4711 of the northern fleet, roof router, second generation";
        assertEquals("", shell.line("/system identity set name=\"" + longName + "\""));
        assertEquals("[admin@" + longName + "] > ", shell.prompt());
        assertEquals("[Safe Mode taken]", shell.control(CTRL_X));
        assertEquals("[admin@" + longName + "] <SAFE> ", shell.prompt());
        assertEquals("[Safe Mode released]", shell.control(CTRL_X));
        assertEquals("[admin@" + longName + "] > ", shell.prompt());
    }

    @Test
    void errorsAreRouterOsTexts() {
        assertEquals("bad command name vxlam (line 1 column 12)", shell.line("/interface vxlam add name=a"));
        assertEquals("expected end of command (line 1 column 35)", shell.line("/interface vxlan add name=a vni=1 colour=red"));
        assertEquals("expected end of command (line 1 column 50)", shell.line("/interface gre add name=g remote-address=1.2.3.4 key=5"),
                "RouterOS GRE has no key");
        assertEquals("value of mtu out of range (68..65535)", shell.line("/interface vxlan add name=a vni=1 mtu=10"));
        assertEquals("value of vni out of range (1..16777215)", shell.line("/interface vxlan add name=a vni=0"));
        assertEquals("invalid value for argument remote-address", shell.line("/interface gre add name=g remote-address=1.2.3"));
        assertEquals("failure: already have interface with such name", shell.line("/interface gre add name=ether1 remote-address=1.2.3.4"));
        assertEquals("input does not match any value of interface", shell.line("/ip address add address=10.0.0.1/30 interface=nope"));
        assertEquals("syntax error (line 1 column 34)", shell.line("/ip address add address=\"10.0.0.1"));
        assertEquals("failure: remote-ip does not match vteps-ip-version of customer-vx",
                shell.line("/interface vxlan vteps add interface=customer-vx remote-ip=2001:db8::7"));
        assertFalse(device.config().contains("name=a "), device.config());
    }

    @Test
    void exportLeavesOutDefaultsAndIncludesSubMenus() {
        assertEquals("", shell.line("/interface vxlan add name=dtm0 vni=100 port=4789 mtu=1400 local-address=192.0.2.1 comment=\"dtm:dtm0\""));
        assertEquals("", shell.line("/interface vxlan vteps add interface=dtm0 remote-ip=198.51.100.2"));
        String export = shell.line("/interface vxlan export terse");
        assertTrue(export.contains("/interface vxlan add comment=dtm:dtm0 local-address=192.0.2.1 mtu=1400 name=dtm0 vni=100\n"),
                export);
        assertTrue(export.contains("/interface vxlan vteps add interface=dtm0 remote-ip=198.51.100.2"), export);
        assertTrue(export.contains("\u001B["), "RouterOS colours its export");
        String wrapped = shell.line("/interface vxlan export");
        assertTrue(wrapped.contains("/interface vxlan\nadd "), wrapped);
        assertEquals("", shell.line("/ip address add address=10.220.0.1/30 interface=dtm0"));
        assertTrue(shell.line("/ip address export terse")
                .contains("/ip address add address=10.220.0.1/30 interface=dtm0 network=10.220.0.0"));
        assertTrue(shell.line("/ip route export terse").contains("/ip route add disabled=no distance=1 dst-address=0.0.0.0/0 "
                + "gateway=192.0.2.254 routing-table=main scope=30 suppress-hw-offload=no target-scope=10"));
    }

    @Test
    void aVtepHasNoPortAndTheInterfacePortDefaultsTo4789() {
        // RouterOS 7: VTEPs have comment, interface and remote-ip; the interface's port is used both ways
        assertEquals("expected end of command (line 1 column 71)",
                shell.line("/interface vxlan vteps add interface=customer-vx remote-ip=192.0.2.78 port=4789"));
        assertFalse(device.config().contains("192.0.2.78"), device.config());
        assertEquals("", shell.line("/interface vxlan add name=v1 vni=5"));
        assertTrue(device.config().contains("/interface vxlan add name=v1 vni=5\n"), "the default is left out of export");
        String verbose = shell.line("/interface vxlan export verbose terse");
        assertTrue(verbose.contains(" name=v1 port=4789 "), verbose);
        assertTrue(verbose.contains("/interface vxlan vteps add comment=\"\" interface=customer-vx remote-ip=192.0.2.77"),
                verbose);
        device.vxlanDefaultPort(8472);
        assertTrue(shell.line("/interface vxlan export verbose terse").contains(" name=v1 port=8472 "),
                "an older release's default");
    }

    @Test
    void dynamicAddressesArePrintedButNeverExported() {
        device.dynamicAddress("203.0.113.7/24", "ether1");
        assertFalse(shell.line("/ip address export terse").contains("203.0.113.7"));
        assertFalse(device.config().contains("203.0.113.7"));
        String print = shell.line("/ip address print terse");
        assertTrue(print.contains(" 0    address=192.0.2.1/24 interface=ether1 network=192.0.2.0 actual-interface=ether1"),
                print);
        assertTrue(print.contains(" 1 D  address=203.0.113.7/24 interface=ether1 network=203.0.113.0"), print);
        assertFalse(print.startsWith("Flags"), "terse prints no header");
    }

    @Test
    void systemResourceShowsTheVersion() {
        assertTrue(shell.line("/system resource print").contains("version: 7.16.1 (stable)"));
        device.version("7.6");
        assertTrue(shell.line("/system resource print").contains("version: 7.6 (stable)"));
        assertTrue(shell.line("/system resource print").lines().noneMatch(l -> l.contains("16.1")));
    }

    @Test
    void setAndRemoveWithFindAndRemovedInterfacesLeaveDanglingAddresses() {
        shell.line("/interface gre add name=g1 remote-address=198.51.100.9 comment=\"dtm:g1\"");
        shell.line("/ip address add address=10.9.0.1/30 interface=g1");
        assertEquals("", shell.line("/interface set [find where name=g1] mtu=1300"));
        assertTrue(device.config().contains("mtu=1300 name=g1"), device.config());
        assertEquals("", shell.line("/interface gre remove [find where comment~\"^dtm:\"]"));
        assertTrue(device.config().contains("interface=*"), "the address points at the removed interface's id");
        assertEquals("", shell.line("/interface gre remove [find where name=nothing]"), "find matching nothing is no error");
        assertEquals("no such item", shell.line("/interface gre remove nothing"));
    }

    @Test
    void safeModeUndoesOnAnAbnormalEndAndKeepsOnQuit() {
        String before = device.config();
        shell.control(CTRL_X);
        shell.line("/interface gre add name=g1 remote-address=198.51.100.9");
        EmulatedShell other = device.openShell();
        other.line("/interface gre add name=g2 remote-address=198.51.100.10");
        assertTrue(device.config().contains("name=g2"));
        device.sessionEnded(shell);
        assertEquals(before, device.config(), "every change made in safe mode, from any session, is undone");
        assertFalse(device.safeModeHeld());

        EmulatedShell quitter = device.openShell();
        quitter.control(CTRL_X);
        quitter.line("/interface gre add name=g3 remote-address=198.51.100.11");
        quitter.line("/quit");
        assertTrue(quitter.ended());
        device.sessionEnded(quitter);
        assertTrue(device.config().contains("name=g3"), "/quit keeps safe-mode changes");
    }

    @Test
    void onlyOneSessionHoldsSafeMode() {
        shell.control(CTRL_X);
        EmulatedShell other = device.openShell();
        assertEquals("", other.control(CTRL_X));
        assertTrue(other.prompt().endsWith("[u/r/d]: "), other.prompt());
        assertEquals("[Safe Mode not taken]", other.line("d"));
        assertEquals("[admin@MikroTik] > ", other.prompt());
        assertTrue(device.safeModeHeld());
        other.control(CTRL_X);
        shell.line("/interface gre add name=g1 remote-address=198.51.100.9");
        assertEquals("[Safe Mode taken]", other.line("u"));
        assertFalse(device.config().contains("name=g1"), "unroll undid the first holder's change");
        assertTrue(shell.line("").contains("unrolled by another user"));
    }

    @Test
    void tooManyChangesReleaseSafeModeWithoutUndo() {
        shell.control(CTRL_X);
        for (int i = 0; i <= RouterOsEmulator.SAFE_MODE_HISTORY; i++) {
            shell.line("/interface gre add name=g" + i + " remote-address=198.51.100.9");
        }
        assertFalse(device.safeModeHeld());
        device.sessionEnded(shell);
        assertTrue(device.config().contains("name=g0 "));
    }

    @Test
    void aMissingRequiredValueIsAskedFor() {
        assertEquals("", shell.line("/interface vxlan add name=v1"));
        assertEquals("vni: ", shell.prompt(), "RouterOS asks instead of failing");
        assertEquals("", shell.line("42"));
        assertEquals("[admin@MikroTik] > ", shell.prompt());
        assertTrue(device.config().contains("name=v1 vni=42"), device.config());
        shell.line("/interface gre add name=g9");
        assertEquals("remote-address: ", shell.prompt());
        shell.control('\u0003');
        assertEquals("[admin@MikroTik] > ", shell.prompt());
        assertFalse(device.config().contains("name=g9"));
    }

    @Test
    void severalCommandsOnOneLineStopAtTheFirstFailure() {
        assertEquals("failure: already have interface with such name",
                shell.line("/interface gre add name=g1 remote-address=198.51.100.9; /interface gre add name=g1 "
                        + "remote-address=198.51.100.9; /interface gre add name=g2 remote-address=198.51.100.9"));
        assertTrue(device.config().contains("name=g1"));
        assertFalse(device.config().contains("name=g2"));
    }
}
