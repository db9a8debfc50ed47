package net.dtm.vendor.huaweivrp.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dtm.config.ssh.testkit.EmulatedShell;
import net.dtm.config.ssh.testkit.ManualClock;

/** The emulator played directly, without SSH: views, candidate, commits, trials, errors. */
class VrpEmulatorTest {

    private final ManualClock clock = new ManualClock();
    private final VrpEmulator device = new VrpEmulator(clock, "dtm");

    private static String type(EmulatedShell s, String... lines) {
        String out = "";
        for (String l : lines) {
            out = s.line(l);
        }
        return out;
    }

    private static final String[] TUNNEL = {"system-view", "interface Tunnel0/0/4000", "description dtm:dtm0",
        "tunnel-protocol gre", "source 192.0.2.1", "destination 198.51.100.7", "ip address 10.220.0.1 30", "mtu 1400", "quit",
        "ip route-static 10.221.0.0 255.255.0.0 Tunnel0/0/4000 10.220.0.2"};

    @Test
    void promptsFollowViewsAndTheCandidate() {
        EmulatedShell s = device.openShell();
        assertEquals("<HUAWEI>", s.prompt());
        type(s, "system-view");
        assertEquals("[~HUAWEI]", s.prompt());
        type(s, "interface Tunnel0/0/4000");
        assertEquals("[*HUAWEI-Tunnel0/0/4000]", s.prompt(), "creating the interface is a change");
        type(s, "quit");
        assertEquals("[*HUAWEI]", s.prompt());
        type(s, "commit");
        assertEquals("[~HUAWEI]", s.prompt());
        type(s, "interface Tunnel0/0/4000");
        assertEquals("[~HUAWEI-Tunnel0/0/4000]", s.prompt(), "entering an existing interface changes nothing");
        type(s, "return");
        assertEquals("<HUAWEI>", s.prompt());
        type(s, "quit");
        assertTrue(s.ended());
    }

    @Test
    void theCandidateIsPrivateUntilCommittedAndShowsItsChanges() {
        EmulatedShell a = device.openShell();
        EmulatedShell b = device.openShell();
        type(a, TUNNEL);
        assertFalse(device.runningConfig().contains("Tunnel0/0/4000"));
        type(b, "system-view");
        assertEquals("[~HUAWEI]", b.prompt());
        assertEquals("", type(b, "display configuration candidate changes"));
        String changes = type(a, "display configuration candidate changes");
        assertTrue(changes.contains("+interface Tunnel0/0/4000") && changes.contains("+ mtu 1400")
                && changes.contains("+ip route-static 10.221.0.0 255.255.0.0 Tunnel0/0/4000 10.220.0.2"), changes);
        type(a, "commit");
        String running = device.runningConfig();
        assertTrue(running.contains("interface Tunnel0/0/4000\n description dtm:dtm0\n mtu 1400\n ip address 10.220.0.1 "
                + "255.255.255.252\n tunnel-protocol gre\n source 192.0.2.1\n destination 198.51.100.7\n#"), running);
        assertEquals(2, device.commitIds().size());
        String mine = type(a, "display current-configuration interface Tunnel0/0/4000");
        assertTrue(mine.startsWith("#\ninterface Tunnel0/0/4000\n"), mine);
        assertEquals("ip route-static 10.221.0.0 255.255.0.0 Tunnel0/0/4000 10.220.0.2",
                type(a, "display current-configuration | include route-static"));
    }

    @Test
    void defaultsAreNotShownAndUndoFormsRemove() {
        EmulatedShell s = device.openShell();
        type(s, TUNNEL);
        type(s, "commit", "interface Tunnel0/0/4000", "mtu 1500", "gre key 9", "quit", "commit");
        String t = device.runningConfig();
        assertFalse(t.contains("mtu"), "mtu 1500 is the default: " + t);
        assertTrue(t.contains(" gre key cipher %^%#") && !t.contains("gre key 9"), "VRP 8 stores a key not given as plain encrypted: " + t);
        type(s, "interface Tunnel0/0/4000", "gre key plain 9", "quit", "commit");
        assertTrue(device.runningConfig().contains(" gre key plain 9"), device.runningConfig());
        String cipher = t.lines().filter(l -> l.startsWith(" gre key cipher ")).findFirst().orElseThrow().substring(" gre key cipher ".length());
        type(s, "interface Tunnel0/0/4000", "gre key cipher " + cipher, "quit", "commit");
        assertEquals(t, device.runningConfig(), "a cipher text is taken back as the key it encrypts");
        assertTrue(type(s, "interface Tunnel0/0/4000", "gre key plain 4294967296").contains("Wrong parameter"));
        assertTrue(type(s, "gre key cipher %^%#nonsense%^%#").contains("Wrong parameter"));
        type(s, "quit");
        type(s, "interface Tunnel0/0/4000", "undo gre key", "undo ip address", "undo description", "quit",
                "undo ip route-static 10.221.0.0 255.255.0.0 Tunnel0/0/4000", "commit");
        t = device.runningConfig();
        assertFalse(t.contains("gre key") || t.contains("10.220.0.1") || t.contains("dtm:dtm0") || t.contains("route-static"), t);
        type(s, "undo interface Tunnel0/0/4000", "commit");
        assertFalse(device.runningConfig().contains("Tunnel0/0/4000"));
        assertEquals("Error: The interface does not exist.", type(s, "undo interface Tunnel0/0/4000"));
    }

    @Test
    void refusalsCarryVrpsTextAndACaretUnderTheWord() {
        EmulatedShell s = device.openShell();
        type(s, "system-view", "interface Tunnel0/0/4000", "tunnel-protocol gre");
        String p = s.prompt();
        assertEquals(" ".repeat(p.length() + 4) + "^\nError: Wrong parameter found at '^' position.", type(s, "mtu 10"));
        assertEquals(" ".repeat(p.length() + 3) + "^\nError: Unrecognized command found at '^' position.",
                type(s, "ip route-static 10.0.0.0 8 Tunnel0/0/4000 10.220.0.2"),
                "a system-view command in the interface view: 'ip' is known there (ip address), 'route-static' is not");
        assertTrue(type(s, "gre key").endsWith("Error: Incomplete command found at '^' position."));
        assertTrue(type(s, "source 300.1.1.1").endsWith("Error: Wrong parameter found at '^' position."));
        assertTrue(type(s, "tunnel-protocol vxlan").endsWith("Error: Wrong parameter found at '^' position."));
        assertTrue(type(s, "ip address 10.220.0.0 255.255.255.252").contains("Error: The specified IP address is invalid."));
        assertTrue(type(s, "ip address 192.0.2.9 255.255.255.252").contains("conflicts"), "overlaps GigabitEthernet0/0/1");
        type(s, "quit");
        p = s.prompt();
        assertEquals(" ".repeat(p.length()) + "^\nError: Unrecognized command found at '^' position.", type(s, "mtu 1400"),
                "an interface command in the system view");
        assertTrue(type(s, "screen-length 0 temporary").contains("Unrecognized"), "a user-view command");
        assertTrue(type(s, "interface Tunnel0/0/99999").contains("Wrong parameter"));
        assertTrue(type(s, "ip route-static 10.0.0.1 255.0.0.0 192.0.2.254").contains("do not match"));
        assertTrue(type(s, "undo ip route-static 10.9.0.0 16 Tunnel0/0/4000").contains("does not exist"));
    }

    @Test
    void aSysnameTakesEffectOnCommitAndMayBeLong() {
        EmulatedShell s = device.openShell();
        String name = "core-router-in-the-north-east-depot-number-0042";
        type(s, "system-view", "sysname " + name);
        assertEquals("[*HUAWEI]", s.prompt(), "the prompt changes when the sysname is committed, not before");
        type(s, "commit");
        assertEquals("[~" + name + "]", s.prompt());
        type(s, "interface Tunnel0/0/1");
        assertEquals("[*" + name + "-Tunnel0/0/1]", s.prompt());
        device.commitSysname("edge 2");
        assertEquals("[*edge 2-Tunnel0/0/1]", s.prompt(), "another session's committed sysname shows at once");
    }

    @Test
    void trialRollsBackWhenItsTimerFiresUnlessCommitted() {
        EmulatedShell s = device.openShell();
        type(s, TUNNEL);
        assertTrue(type(s, "commit trial 75").contains("Info: The system enters the trial configuration mode."));
        assertEquals("[*HUAWEI]", s.prompt(), "VRP shows * while a trial runs");
        long trialId = device.commitIds().get(0);
        assertTrue(device.runningConfig().contains("Tunnel0/0/4000"));
        assertTrue(device.trialRunning());
        clock.advance(Duration.ofSeconds(74));
        assertTrue(device.runningConfig().contains("Tunnel0/0/4000"));
        clock.advance(Duration.ofSeconds(1));
        assertFalse(device.runningConfig().contains("Tunnel0/0/4000"), "the trial timer rolls back");
        assertFalse(device.commitIds().contains(trialId));
        assertFalse(device.trialRunning());

        type(s, TUNNEL);
        type(s, "commit trial 60");
        type(s, "commit");
        clock.advance(Duration.ofMinutes(5));
        assertTrue(device.runningConfig().contains("Tunnel0/0/4000"), "commit confirms the trial");
        assertTrue(type(s, "commit trial 10").contains("Wrong parameter"), "VRP's shortest trial is 60 s");
        assertTrue(type(s, "commit trial 65536").contains("Wrong parameter"), "and its longest 65535 s");
    }

    @Test
    void abortTrialRestoresAtOnceAndTheTrialOutlivesADroppedSession() {
        EmulatedShell s = device.openShell();
        type(s, TUNNEL);
        type(s, "commit trial 60");
        assertEquals("", type(s, "abort trial"));
        assertEquals(VrpEmulatorShell.ABORT_QUESTION, s.prompt());
        assertTrue(device.runningConfig().contains("Tunnel0/0/4000"), "nothing happens before the answer");
        assertTrue(type(s, "Y").startsWith("Info:"));
        assertFalse(device.runningConfig().contains("Tunnel0/0/4000"));
        assertEquals("[~HUAWEI]", s.prompt());
        assertTrue(type(s, "abort trial").startsWith("Error:"));

        type(s, TUNNEL);
        type(s, "commit trial 60", "interface Tunnel0/0/4000", "mtu 1300");
        device.sessionEnded(s);
        assertTrue(device.runningConfig().contains("mtu 1400"), "the uncommitted mtu 1300 went with the session");
        clock.advance(Duration.ofSeconds(60));
        assertFalse(device.runningConfig().contains("Tunnel0/0/4000"), "the trial timer still fires");
        assertTrue(device.events().stream().anyMatch(e -> e.contains("candidate discarded")), device.events().toString());
    }

    @Test
    void leavingTheSystemViewWithChangesAsksBeforeDiscarding() {
        EmulatedShell s = device.openShell();
        type(s, "system-view", "sysname R2");
        assertEquals("", type(s, "return"));
        assertEquals(VrpEmulatorShell.EXIT_QUESTION, s.prompt(), "the question waits where the prompt would be");
        type(s, "C");
        assertEquals("[*HUAWEI]", s.prompt());
        type(s, "quit", "N");
        assertEquals("<HUAWEI>", s.prompt());
        assertEquals("HUAWEI", device.sysname());
    }

    @Test
    void pagingStopsLongOutputUntilTurnedOff() {
        EmulatedShell s = device.openShell();
        type(s, "system-view");
        for (int i = 0; i < 10; i++) {
            type(s, "interface Tunnel0/0/" + i, "description t" + i, "quit");
        }
        type(s, "commit", "return");
        assertTrue(type(s, "display current-configuration").contains(VrpEmulatorShell.MORE));
        assertTrue(type(s, "screen-length 0 temporary").startsWith("Info:"));
        assertFalse(type(s, "display current-configuration").contains("More"));
    }

    @Test
    void interfaceBriefShowsAddressesAndState() {
        EmulatedShell s = device.openShell();
        type(s, TUNNEL);
        type(s, "commit");
        String brief = type(s, "display ip interface brief");
        assertTrue(brief.lines().anyMatch(l -> l.matches("GigabitEthernet0/0/1\\s+192\\.0\\.2\\.1/24\\s+up\\s+up\\s+--")), brief);
        assertTrue(brief.lines().anyMatch(l -> l.matches("Tunnel0/0/4000\\s+10\\.220\\.0\\.1/30\\s+up\\s+up\\s+--")), brief);
    }

    @Test
    void commitListShowsIdsNewestFirst() {
        EmulatedShell s = device.openShell();
        type(s, "system-view", "sysname A", "commit", "sysname B", "commit");
        String list = type(s, "display configuration commit list");
        List<String> rows = list.lines().filter(l -> l.matches("\\s*\\d+\\s+\\d{10}.*")).toList();
        assertEquals(3, rows.size(), list);
        assertTrue(rows.get(0).contains("1000000003") && rows.get(0).contains("dtm"), list);
    }

    @Test
    void immediateModeHasNoMarkerAndCommitsEveryLine() {
        device.immediateMode();
        EmulatedShell s = device.openShell();
        type(s, "system-view");
        assertEquals("[HUAWEI]", s.prompt());
        type(s, "sysname R9");
        assertEquals("[R9]", s.prompt());
    }
}
