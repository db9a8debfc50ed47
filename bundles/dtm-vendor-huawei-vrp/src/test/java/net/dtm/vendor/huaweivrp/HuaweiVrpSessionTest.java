package net.dtm.vendor.huaweivrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.config.Transaction;
import net.dtm.config.IntentDiff;
import net.dtm.config.Renderer;
import net.dtm.config.ssh.testkit.ManualClock;
import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.vendor.huaweivrp.emulator.VrpEmulator;

/**
 * The adapter against the emulator through the in-memory SSH stand-in (fast; the SSH path itself
 * is covered by the contract suite and {@link HuaweiVrpOverSshTest}): the core's transaction, the
 * device's trial timer, refusals, sysname changes, ownership.
 */
class HuaweiVrpSessionTest {

    private final ManualClock clock = new ManualClock();
    private final VrpEmulator device = new VrpEmulator(clock, "dtm");
    private final InMemorySsh ssh = new InMemorySsh(device);
    private final HuaweiVrpAdapter adapter = new HuaweiVrpAdapter(ssh);
    private final DeviceTarget target = Samples.target("vrp-1.lab", 22, Map.of());
    private final Core core = new Core(adapter);
    private final TunnelIntent sample = Samples.gre("dtm7", 4711);

    @AfterEach
    void stop() {
        core.close();
    }

    private Optional<TunnelIntent> read(TunnelIntent like) throws ConfigException {
        try (ConfigSession s = adapter.open(target)) {
            return s.read(like.name(), like.role());
        }
    }

    private void assertInSync(TunnelIntent wanted) throws ConfigException {
        Optional<TunnelIntent> running = read(wanted);
        assertTrue(IntentDiff.between(running, Optional.of(wanted)).isEmpty(),
                () -> "differs: " + IntentDiff.between(running, Optional.of(wanted)));
    }

    private List<String> render(Optional<TunnelIntent> wanted, Optional<TunnelIntent> running) {
        return new Renderer(adapter).render(wanted, running, IntentDiff.between(running, wanted));
    }

    @Test
    void applyBuildsTunnel0004007AndReadsBackEveryField() throws Exception {
        Transaction t = core.set(target, sample);
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertTrue(device.runningConfig().contains("interface Tunnel0/0/4007\n description dtm:dtm7\n"), device.runningConfig());
        assertInSync(sample);
        assertFalse(device.trialRunning(), "confirmed: no trial left running");
        assertTrue(ssh.sent.contains("commit trial 75"), ssh.sent.toString());
    }

    @Test
    void aLineTheDeviceRefusesClearsTheCandidateAndTheCoreFindsTheDeviceAsBefore() throws Exception {
        assertEquals(Transaction.Result.CONFIRMED, core.set(target, sample).result());
        String before = device.runningConfig();
        List<Long> commits = device.commitIds();
        // 10.220.0.0/30 is valid for the core (the peer is inside it) but is the network address: VRP refuses it
        Transaction t = core.set(target, Samples.withInner(sample.withMtu(1380), "10.220.0.0"));
        assertEquals(Transaction.Result.ROLLED_BACK, t.result(), t.detail());
        assertTrue(t.detail().contains("Error: The specified IP address is invalid."), t.detail());
        assertTrue(t.detail().contains("nothing was committed"), t.detail());
        assertTrue(t.restored(), t.detail());
        assertEquals(before, device.runningConfig(), "the mtu line before the refused one was not committed either");
        assertEquals(commits, device.commitIds());
        assertFalse(device.trialRunning());
    }

    @Test
    void withoutConfirmationTheDevicesTrialTimerRollsTheChangeBack() throws Exception {
        String before = device.runningConfig();
        CommitConfirmBehaviour trial = adapter.behaviour(CommitConfirmBehaviour.class).orElseThrow();
        try (ConfigSession s = adapter.open(target)) {
            trial.arm(s, Duration.ofSeconds(90));
            s.apply(render(Optional.of(sample), Optional.empty()));
            assertEquals(Optional.of(sample.mtu()), s.read(sample.name(), sample.role()).map(TunnelIntent::mtu));
        } // the core died: no confirm, no revert
        assertTrue(device.trialRunning());
        long trialId = device.commitIds().get(0);
        assertInSync(sample);
        clock.advance(Duration.ofSeconds(89));
        assertTrue(read(sample).isPresent());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), read(sample));
        assertEquals(before, device.runningConfig());
        assertFalse(device.commitIds().contains(trialId), "the trial commit is gone from the commit list");
    }

    @Test
    void revertAbortsTheTrialAndChecksItIsGone() throws Exception {
        String before = device.runningConfig();
        CommitConfirmBehaviour trial = adapter.behaviour(CommitConfirmBehaviour.class).orElseThrow();
        try (ConfigSession s = adapter.open(target)) {
            trial.arm(s, Duration.ofSeconds(75));
            s.apply(render(Optional.of(sample), Optional.empty()));
            trial.revert(s);
            assertEquals(Optional.empty(), s.read(sample.name(), sample.role()));
        }
        assertEquals(before, device.runningConfig());
        assertTrue(ssh.sent.contains("abort trial"));
        assertTrue(ssh.sent.get(ssh.sent.size() - 3).equals("display configuration commit list")
                || ssh.sent.contains("display configuration commit list"));
    }

    @Test
    void aConfirmationAfterTheDeviceAlreadyRolledBackIsAnError() throws Exception {
        CommitConfirmBehaviour trial = adapter.behaviour(CommitConfirmBehaviour.class).orElseThrow();
        try (ConfigSession s = adapter.open(target)) {
            trial.arm(s, Duration.ofSeconds(60));
            s.apply(render(Optional.of(sample), Optional.empty()));
            clock.advance(Duration.ofSeconds(61));
            ConfigException e = assertThrows(ConfigException.class, () -> trial.confirm(s));
            assertTrue(e.getMessage().contains("rolled the change back before the confirmation"), e.getMessage());
            assertFalse(e.rejected());
        }
        assertEquals(Optional.empty(), read(sample));
    }

    @Test
    void sysnameChangedBetweenAndDuringSessions() throws Exception {
        device.commitSysname("core-router-in-the-north-east-depot-number-0042");
        assertEquals(Transaction.Result.CONFIRMED, core.set(target, sample).result());
        device.onLine(line -> {
            if (line.equals("mtu 1380")) {
                device.commitSysname("renamed by another operator mid-change");
            }
        });
        Transaction t = core.set(target, sample.withMtu(1380));
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertInSync(sample.withMtu(1380));
        assertEquals("renamed by another operator mid-change", device.sysname(), "the adapter never touches the sysname");
    }

    @Test
    void aTunnelDtmDidNotBuildIsNeitherTakenOverNorRemoved() throws Exception {
        device.commitForeignTunnel("Tunnel0/0/4007", "to the lab");
        Transaction t = core.set(target, sample);
        assertEquals(Transaction.Result.REFUSED, t.result());
        assertTrue(t.detail().contains("Tunnel0/0/4007") && t.detail().contains("'to the lab'"), t.detail());
        assertEquals(Optional.empty(), read(sample));
        try (ConfigSession s = adapter.open(target)) {
            assertEquals(List.of(), s.list("dtm"));
        }
        assertTrue(device.runningConfig().contains("description to the lab"));
    }

    @Test
    void aLocalOuterAddressTheDeviceDoesNotHaveIsRefusedBeforeAnythingChanges() throws Exception {
        TunnelIntent elsewhere = sample.withLocalOuter(net.dtm.api.Cidr.parseLiteral("192.0.2.9"));
        Transaction t = core.set(target, elsewhere);
        assertEquals(Transaction.Result.REFUSED, t.result());
        assertTrue(t.detail().contains("local outer address 192.0.2.9 is not an address of any interface")
                && t.detail().contains("192.0.2.1"), t.detail());
        assertEquals(Optional.empty(), read(sample));
    }

    @Test
    void removalTakesTheRoutesThroughTheTunnelOffToo() throws Exception {
        assertEquals(Transaction.Result.CONFIRMED, core.set(target, sample).result());
        Transaction t = core.remove(sample.name());
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertFalse(device.runningConfig().contains("Tunnel0/0/4007"), device.runningConfig());
    }

    @Test
    void anIpv6InnerAddressOverGreIsBuiltReadBackAndRemoved() throws Exception {
        TunnelIntent v6 = Samples.intent("dtm9", net.dtm.api.TunnelType.GRE, 7, "fd00:0:0:9::1", 64, "fd00:0:0:9::2", 1400,
                "fd01:9::/48", "fd02::/32");
        Transaction t = core.set(target, v6);
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertTrue(device.runningConfig().contains(" ipv6 address FD00:0:0:9::1/64"), device.runningConfig());
        assertTrue(device.runningConfig().contains("ipv6 route-static FD01:9:: 48 Tunnel0/0/4009 FD00:0:0:9::2"));
        assertInSync(v6);
        TunnelIntent moved = Samples.withRoutes(Samples.withInner(v6, "fd00:0:0:9::3"), List.of(net.dtm.api.Cidr.parse("fd01:9::/48")));
        t = core.set(target, moved);
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertInSync(moved);
        t = core.remove(v6.name());
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertFalse(device.runningConfig().contains("Tunnel0/0/4009") || device.runningConfig().contains("FD01"), device.runningConfig());
    }

    @Test
    void typeAndKeyChangeInPlace() throws Exception {
        assertEquals(Transaction.Result.CONFIRMED, core.set(target, sample).result());
        Transaction t = core.set(target, Samples.ipip("dtm7"));
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertInSync(Samples.ipip("dtm7"));
        assertFalse(t.commands().contains("undo interface Tunnel0/0/4007"), t.commands().toString());
        assertTrue(t.commands().contains("interface Tunnel0/0/4007") && t.commands().contains("undo gre key"), t.commands().toString());
        t = core.set(target, Samples.gre("dtm7", 99));
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertInSync(Samples.gre("dtm7", 99));
    }

    @Test
    void listNamesDtmsTunnelsByPrefixAndTheAdaptersBaseMovesThem() throws Exception {
        HuaweiVrpAdapter based = new HuaweiVrpAdapter(ssh, 100);
        try (Core other = new Core(based)) {
            Transaction first = other.set(target, Samples.gre("dtm7", 0));
            assertEquals(Transaction.Result.CONFIRMED, first.result(), first.detail());
            assertTrue(first.commands().contains("interface Tunnel0/0/107"), "the history shows the line sent: " + first.commands());
            Transaction second = other.set(target, Samples.intent("dtx2", net.dtm.api.TunnelType.IPIP, 0, "10.220.0.5", 30,
                    "10.220.0.6", 1400));
            assertEquals(Transaction.Result.CONFIRMED, second.result(), second.detail());
            assertTrue(device.runningConfig().contains("interface Tunnel0/0/107"), device.runningConfig());
            try (ConfigSession s = based.open(target)) {
                assertEquals(List.of("dtm7"), s.list("dtm"));
                assertEquals(List.of("dtm7", "dtx2"), s.list("dt"));
            }
            try (ConfigSession s = adapter.open(target)) {
                assertEquals(List.of(), s.list("dt"), "with base 4000, Tunnel0/0/107 is not where dtm7 lives");
            }
        }
    }

    @Test
    void aDeviceWhoseOptionsCarryAnotherTunnelBaseFailsBeforeAnythingIsSent() throws Exception {
        Transaction t = core.set(Samples.target("vrp-1.lab", 22, Map.of("tunnel.base", "100")), sample);
        assertEquals(Transaction.Result.FAILED, t.result(), t.detail());
        assertTrue(t.detail().contains("tunnel.base=100") && t.detail().contains("net.dtm.vendor.huaweivrp"), t.detail());
        assertEquals(List.of(), ssh.sent);
    }

    @Test
    void aDeviceNotInTwoStageModeIsRefusedBeforeAnythingChanges() throws Exception {
        device.immediateMode();
        String before = device.runningConfig();
        Transaction t = core.set(target, sample);
        assertEquals(Transaction.Result.FAILED, t.result(), t.detail());
        assertTrue(t.detail().contains("two-stage"), t.detail());
        assertEquals(before, device.runningConfig());
    }

    @Test
    void anInnerAddressAnotherTunnelHoldsIsRefusedByTheDeviceAndRolledBack() throws Exception {
        assertEquals(Transaction.Result.CONFIRMED, core.set(target, sample).result());
        String before = device.runningConfig();
        Transaction t = core.set(target, Samples.gre("dtm8", 0));
        assertEquals(Transaction.Result.ROLLED_BACK, t.result(), t.detail());
        assertTrue(t.detail().contains("conflicts"), t.detail());
        assertTrue(t.restored(), t.detail());
        assertEquals(before, device.runningConfig());
    }

    @Test
    void anUnreachableNameIsRefusedByValidation() throws Exception {
        Transaction t = core.set(target, Samples.gre("dtmgw", 0));
        assertEquals(Transaction.Result.REFUSED, t.result());
        assertTrue(t.detail().contains("ends with no number"), t.detail());
        List<String> sent = new ArrayList<>(ssh.sent);
        assertEquals(List.of(), sent, "nothing reached the device");
    }

    // ------------------------------------------------------------------ review findings

    /** Another operator types {@code lines} on the device in a session of their own. */
    private void operator(String... lines) {
        net.dtm.config.ssh.testkit.EmulatedShell s = device.openShell();
        for (String l : lines) {
            s.line(l);
        }
        device.sessionEnded(s);
    }

    @Test
    void anOperatorsKeyedTunnelShownAsCipherDoesNotBreakReadListOrCheck() throws Exception {
        operator("system-view", "interface Tunnel0/0/1", "description to the lab", "tunnel-protocol gre", "source 192.0.2.1",
                "destination 203.0.113.9", "gre key 99", "quit", "commit");
        assertTrue(device.runningConfig().contains(" gre key cipher %^%#"), "VRP 8 keeps the key encrypted: " + device.runningConfig());
        Transaction t = core.set(target, sample);
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertInSync(sample);
        try (ConfigSession s = adapter.open(target)) {
            assertEquals(List.of("dtm7"), s.list("dtm"));
            assertEquals(List.of(), s.check(sample));
        }
        assertTrue(device.runningConfig().contains(" gre key plain 4711"), "DTM sends its key as plain: " + device.runningConfig());
        assertTrue(t.commands().contains("gre key plain 4711"), t.commands().toString());
    }

    @Test
    void aDtmTunnelWhoseKeyReadsAsCipherIsReappliedWithThePlainKey() throws Exception {
        // as an earlier adapter left it: "gre key 4711", which VRP 8 stores and shows as cipher text
        operator("system-view", "interface Tunnel0/0/4007", "description dtm:dtm7", "tunnel-protocol gre", "source 192.0.2.1",
                "destination 198.51.100.7", "gre key 4711", "ip address 10.220.0.1 30", "mtu 1400", "quit",
                "ip route-static 10.221.0.0 255.255.0.0 Tunnel0/0/4007 10.220.0.2", "commit");
        assertTrue(device.runningConfig().contains(" gre key cipher %^%#"), device.runningConfig());
        Transaction t = core.set(target, sample);
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertTrue(t.commands().contains("undo gre key") && t.commands().contains("gre key plain 4711"), t.commands().toString());
        assertTrue(device.runningConfig().contains(" gre key plain 4711") && !device.runningConfig().contains("cipher"),
                device.runningConfig());
        Transaction again = core.manager.apply(sample.name(), "test", false);
        assertEquals(Transaction.Result.NO_CHANGE, again.result(), again.detail());
    }

    @Test
    void aDtmDescriptionCopiedOntoAnotherTunnelIsNeitherListedNorTouched() throws Exception {
        operator("system-view", "interface Tunnel0/0/1", "description dtm:dtm7", "quit", "commit");
        try (ConfigSession s = adapter.open(target)) {
            assertEquals(List.of(), s.list("dtm"), "Tunnel0/0/1 is not the interface dtm7 maps to");
            assertEquals(Optional.empty(), s.read("dtm7", TunnelIntent.Role.DEVICE));
        }
        assertEquals(Transaction.Result.CONFIRMED, core.set(target, sample).result());
        assertEquals(Transaction.Result.CONFIRMED, core.remove(sample.name()).result());
        assertTrue(device.runningConfig().contains("interface Tunnel0/0/1\n description dtm:dtm7"), device.runningConfig());
    }

    @Test
    void aLocalOuterAddressFromDhcpOrPppIsSeenByTheCheck() throws Exception {
        device.commitDynamicInterface("GigabitEthernet0/0/2", "dhcp-alloc", "100.64.7.9", "255.255.255.0");
        device.commitDynamicInterface("Dialer1", "ppp-negotiate", "100.70.0.2", "255.255.255.255");
        assertTrue(device.runningConfig().contains(" ip address dhcp-alloc") && !device.runningConfig().contains("100.64.7.9"),
                "the leased address is not in the configuration");
        Transaction t = core.set(target, sample.withLocalOuter(net.dtm.api.Cidr.parseLiteral("100.64.7.9")));
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        Transaction ppp = core.set(target, Samples.intent("dtm8", net.dtm.api.TunnelType.GRE, 0, "10.220.0.5", 30, "10.220.0.6", 1400)
                .withLocalOuter(net.dtm.api.Cidr.parseLiteral("100.70.0.2")));
        assertEquals(Transaction.Result.CONFIRMED, ppp.result(), ppp.detail());
    }

    @Test
    void checkOnlyReads() throws Exception {
        device.commitForeignTunnel("Tunnel0/0/4007", "to the lab");
        List<Long> commits = device.commitIds();
        String before = device.runningConfig();
        try (ConfigSession s = adapter.open(target)) {
            assertEquals(1, s.check(sample).size());
            assertEquals(List.of(), s.check(Samples.gre("dtm9", 0)));
        }
        assertTrue(ssh.sent.stream().allMatch(l -> l.startsWith("display ") || l.equals("screen-length 0 temporary")), ssh.sent.toString());
        assertEquals(commits, device.commitIds());
        assertEquals(before, device.runningConfig());
    }

    @Test
    void anOperatorsRouteThroughDtmsTunnelWithoutNextHopIsNeitherMergedNorRemoved() throws Exception {
        assertEquals(Transaction.Result.CONFIRMED, core.set(target, sample).result());
        operator("system-view", "ip route-static 10.50.0.0 16 Tunnel0/0/4007", "commit");
        assertInSync(sample);
        Transaction again = core.manager.apply(sample.name(), "test", false);
        assertEquals(Transaction.Result.NO_CHANGE, again.result(), again.detail());
        assertTrue(device.runningConfig().contains("ip route-static 10.50.0.0 255.255.0.0 Tunnel0/0/4007\n"), device.runningConfig());
        Transaction removed = core.remove(sample.name());
        assertEquals(Transaction.Result.CONFIRMED, removed.result(), removed.detail());
        assertFalse(device.runningConfig().contains("interface Tunnel0/0/4007") || device.runningConfig().contains("10.221.0.0"),
                device.runningConfig());
        assertTrue(device.runningConfig().contains("ip route-static 10.50.0.0 255.255.0.0 Tunnel0/0/4007"),
                "the operator's route is the operator's to remove: " + device.runningConfig());
    }

    @Test
    void aSecondaryAddressTheInterfaceBriefDoesNotShowIsFoundInTheConfiguration() throws Exception {
        device.commitSecondaryAddress("GigabitEthernet0/0/1", "198.18.0.1", "255.255.255.0");
        Transaction t = core.set(target, sample.withLocalOuter(net.dtm.api.Cidr.parseLiteral("198.18.0.1")));
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        device.commitForeignTunnel("Tunnel0/0/9", "operator's");
        device.commitSecondaryAddress("Tunnel0/0/9", "198.19.0.1", "255.255.255.0");
        Transaction down = core.set(target, Samples.intent("dtm8", net.dtm.api.TunnelType.GRE, 0, "10.220.0.5", 30, "10.220.0.6", 1400)
                .withLocalOuter(net.dtm.api.Cidr.parseLiteral("198.19.0.1")));
        assertEquals(Transaction.Result.REFUSED, down.result(), down.detail());
        assertTrue(down.detail().contains("198.19.0.1") && down.detail().contains("Tunnel0/0/9") && down.detail().contains("down"),
                down.detail());
    }
}
