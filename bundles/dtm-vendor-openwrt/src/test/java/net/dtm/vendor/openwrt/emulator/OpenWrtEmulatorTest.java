package net.dtm.vendor.openwrt.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import net.dtm.config.ssh.testkit.ExecOutcome;
import net.dtm.config.ssh.testkit.ManualClock;

/** The emulator answers as OpenWrt does, including the ways it fails an adapter that gets a detail wrong. */
class OpenWrtEmulatorTest {

    private final ManualClock clock = new ManualClock();
    private final OpenWrtEmulator device = new OpenWrtEmulator(clock);

    private ExecOutcome run(String command) {
        return device.exec(command).orElseThrow();
    }

    private String session() {
        Matcher m = Pattern.compile("\"ubus_rpc_session\": \"([0-9a-f]{32})\"").matcher(
                run("ubus call session create '{\"timeout\":60}'").stdout());
        assertTrue(m.find());
        String sid = m.group(1);
        assertEquals(0, run("ubus call session grant '{\"ubus_rpc_session\":\"" + sid
                + "\",\"scope\":\"uci\",\"objects\":[[\"network\",\"write\"]]}'").exitStatus());
        return sid;
    }

    private void stage(String sid, String lines) {
        ExecOutcome o = run("uci -P /var/run/rpcd/uci-" + sid + " batch <<'EOF'\n" + lines + "\nEOF");
        assertEquals(new ExecOutcome(0, "", ""), o);
    }

    @Test
    void aBatchGoesOnAfterARefusedLineAndEndsWithZero() {
        ExecOutcome o = run("uci batch <<'EOF'\nset network.a=interface\nset network.nosuch.mtu='1'\nset network.bad-name=x\n"
                + "sett network.a.x='1'\nset network.a.mtu='1400\nset network.a.proto='static'\nEOF");
        assertEquals(0, o.exitStatus(), "uci batch ends with 0 even after errors");
        assertEquals("uci: Entry not found\nuci: Invalid argument\nUnknown command\nuci: Parse error (unterminated ') at line 5, byte 23\n",
                o.stderr());
        assertEquals("network.a='interface'\nnetwork.a.proto='static'\n", run("uci changes network").stdout());
        assertTrue(run("uci show network").stdout().contains("network.a.proto='static'\n"), "uci show includes /tmp/.uci");
        assertEquals(0, run("uci revert network").exitStatus());
        assertEquals("", device.stagedByDefault());
    }

    @Test
    void rpcdAppliesOnlyASessionsOwnChangesWithAccessAndOneRollbackAtATime() {
        assertEquals(new ExecOutcome(2, "", "Command failed: Invalid argument\n"),
                run("ubus call uci apply '{\"rollback\":true,\"timeout\":30}'"));
        run("uci batch <<'EOF'\nset network.a=interface\nEOF");
        String sid = session();
        assertEquals(5, run("ubus call uci apply '{\"ubus_rpc_session\":\"" + sid + "\",\"rollback\":true}'").exitStatus(),
                "changes in /tmp/.uci are not the session's: No data");
        run("uci revert network");
        ExecOutcome created = run("ubus call session create '{\"timeout\":60}'");
        String ungranted = created.stdout().replaceAll("(?s).*\"ubus_rpc_session\": \"([0-9a-f]{32})\".*", "$1");
        stage(ungranted, "set network.b=interface");
        assertEquals(new ExecOutcome(6, "", "Command failed: Permission denied\n"),
                run("ubus call uci apply '{\"ubus_rpc_session\":\"" + ungranted + "\"}'"), "no write access granted");
        stage(sid, "set network.c=interface");
        assertEquals(0, run("ubus call uci apply '{\"ubus_rpc_session\":\"" + sid + "\",\"rollback\":true,\"timeout\":30}'").exitStatus());
        assertTrue(device.committedNetwork().contains("config interface 'c'"));
        String other = session();
        stage(other, "set network.d=interface");
        assertEquals(6, run("ubus call uci apply '{\"ubus_rpc_session\":\"" + other + "\",\"rollback\":true}'").exitStatus());
        assertEquals(6, run("ubus call uci confirm '{\"ubus_rpc_session\":\"" + other + "\"}'").exitStatus());
        clock.advance(Duration.ofSeconds(30));
        assertFalse(device.committedNetwork().contains("'c'"), "the timer puts the previous configuration back");
        assertEquals(new ExecOutcome(5, "", "Command failed: No response\n"),
                run("ubus call uci confirm '{\"ubus_rpc_session\":\"" + sid + "\"}'"), "libubus's text for NO_DATA");
    }

    @Test
    void anApplyWithoutRollbackPurgesThePendingChangesSnapshotAsRpcdDoes() {
        String sid = session();
        stage(sid, "set network.c=interface");
        assertEquals(0, run("ubus call uci apply '{\"ubus_rpc_session\":\"" + sid + "\",\"rollback\":true,\"timeout\":30}'").exitStatus());
        String other = session();
        stage(other, "set network.d=interface");
        assertEquals(0, run("ubus call uci apply '{\"ubus_rpc_session\":\"" + other + "\"}'").exitStatus(),
                "rpcd answers 0 and applies nothing while a rollback is pending");
        assertFalse(device.committedNetwork().contains("'d'"));
        clock.advance(Duration.ofSeconds(30));
        assertFalse(device.rollbackPending());
        assertTrue(device.committedNetwork().contains("config interface 'c'"),
                "rpc_uci_apply purged the snapshot before checking apply_sid: the timer has nothing to restore");
    }

    @Test
    void ubusFailsWithLibubusTextsAndExitStatuses() {
        assertEquals(new ExecOutcome(5, "", "Command failed: No response\n"),
                run("ubus call uci confirm '{\"ubus_rpc_session\":\"00000000000000000000000000000000\"}'"));
        assertEquals(new ExecOutcome(4, "", "Command failed: Not found\n"), run("ubus call network.interface.nosuch status"));
        assertEquals(new ExecOutcome(3, "", "Command failed: Method not found\n"), run("ubus call network.interface.wan nosuch"));
        device.failNextUbus("uci apply", 7);
        String sid = session();
        stage(sid, "set network.c=interface");
        assertEquals(new ExecOutcome(7, "", "Command failed: Request timed out\n"),
                run("ubus call uci apply '{\"ubus_rpc_session\":\"" + sid + "\",\"rollback\":true,\"timeout\":30}'"));
        assertTrue(device.committedNetwork().contains("'c'"), "a timed-out call may still have done its work");
        assertEquals("0 1\n", run("ubus call uci confirm '{\"ubus_rpc_session\":\"" + sid + "\"}' 2>&1\necho \"$? 1\"").stdout(),
                "$? is the last command's status");
    }

    @Test
    void netifdReloadsAfterTheApplyReturnsAndOnlyUbusShowsItsState() {
        device.setReloadLag(2);
        String sid = session();
        stage(sid, "set network.wan.mtu='1400'\nset network.wan.ipaddr='192.0.2.11'");
        run("ubus call uci apply '{\"ubus_rpc_session\":\"" + sid + "\",\"rollback\":true,\"timeout\":30}'");
        assertTrue(run("ubus call network.interface.wan status").stdout().contains("\"address\": \"192.0.2.10\""),
                "the first look after the apply still sees the old state");
        assertTrue(run("ubus call network.interface.wan status").stdout().contains("\"address\": \"192.0.2.11\""));
        assertTrue(run("ubus call network.interface dump").stdout().contains("\"interface\": \"wan6\""));
        assertTrue(run("ubus call network.device status").stdout().contains("\"eth0\": {"));
        assertEquals(1, run("ip -j addr").exitStatus(), "BusyBox ip has no -j");
    }

    @Test
    void aManualRollbackPutsTheChangesBackIntoTheSessionAndSessionsExpire() {
        String sid = session();
        stage(sid, "set network.c=interface");
        run("ubus call uci apply '{\"ubus_rpc_session\":\"" + sid + "\",\"rollback\":true,\"timeout\":30}'");
        assertEquals(0, run("ubus call uci rollback '{\"ubus_rpc_session\":\"" + sid + "\"}'").exitStatus());
        assertFalse(device.committedNetwork().contains("'c'"));
        assertEquals("network.c='interface'\n", run("uci -P /var/run/rpcd/uci-" + sid + " changes network").stdout());
        clock.advance(Duration.ofSeconds(61));
        assertEquals(0, device.stagedAnywhere(), "rpcd purges an expired session's delta directory");
    }

    @Test
    void theShellAnswersLikeAsh() {
        assertEquals(new ExecOutcome(127, "", "ash: wg: not found\n"), run("wg show"));
        assertTrue(run("ip -j addr show dev dtm9").stderr().startsWith("ip: invalid option -- 'j'"), "BusyBox ip, not ip-full");
        assertEquals(new ExecOutcome(1, "Interface dtm9 not found\n", ""), run("ifstatus dtm9"));
        assertEquals(new ExecOutcome(4, "", "Command failed: Not found\n"), run("ubus call nosuch status"));
        assertEquals(1, run("cat /etc/dtm/rollback/restored").exitStatus());
        assertEquals(2, run("uci show network; reboot").exitStatus());
        assertEquals(1, device.injections().size());
        assertEquals("x\n", run("echo x > /tmp/f && cat /tmp/f").stdout());
        assertEquals("fallback\n", run("cat /nope 2>&1 && echo ok || echo fallback").stdout().lines().skip(1).findFirst().orElse("") + "\n");
    }

    @Test
    void aRebootLosesRpcdsTimerAndRunsEnabledBootHooks() {
        String sid = session();
        stage(sid, "set network.c=interface");
        run("ubus call uci apply '{\"ubus_rpc_session\":\"" + sid + "\",\"rollback\":true,\"timeout\":30}'");
        run("uci batch <<'EOF'\nset network.tmp=interface\nEOF");
        device.reboot();
        clock.advance(Duration.ofMinutes(1));
        assertTrue(device.committedNetwork().contains("config interface 'c'"), "the unconfirmed change survives a reboot");
        assertEquals("", device.stagedByDefault(), "/tmp is gone");
        run("cat > /etc/init.d/hook <<'EOF'\n#!/bin/sh /etc/rc.common\nSTART=15\nboot() {\n\t[ -f /etc/flag ] || return 0\n"
                + "\tlogger -t hook ran\n}\nEOF");
        assertEquals(126, run("/etc/init.d/hook enable").exitStatus(), "not executable yet");
        assertEquals(0, run("chmod 755 /etc/init.d/hook && /etc/init.d/hook enable").exitStatus());
        device.reboot();
        assertFalse(device.syslog().contains("-t hook ran"));
        run("echo 1 > /etc/flag");
        device.reboot();
        assertTrue(device.syslog().contains("-t hook ran"), device.syslog().toString());
    }
}
