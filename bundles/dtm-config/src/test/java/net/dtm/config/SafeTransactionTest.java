package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.api.config.Transaction;
import net.dtm.config.fake.FakeDevice;
import net.dtm.config.fake.Samples;
import net.dtm.spi.config.TunnelIntent;

/** The safe transaction end to end on the fake device, automatic mode. */
class SafeTransactionTest extends OnRig {

    @Test
    void absentTunnelIsCreatedVerifiedProbedAndConfirmed() {
        Transaction t = rig.set(v);
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertEquals(1, t.number());
        assertEquals("test", t.trigger());
        assertEquals(v.describe(), t.intent());
        assertEquals(List.of("interface: absent -> " + v.describe()), t.diff());
        assertEquals(List.of(
                "link add dtm0 type=vxlan local=192.0.2.10 remote=198.51.100.1 port=4789 key=100",
                "link mtu dtm0 mtu=1400",
                "addr add dtm0 address=10.64.0.5/16",
                "route add dtm0 prefix=10.0.0.0/8 via=10.64.0.1"), t.commands());
        assertTrue(t.detail().contains("10.64.0.1 answered through the tunnel"), t.detail());
        assertEquals(Optional.of(v), rig.state("dtm0"));
        assertEquals(1, rig.device.probes());
        assertEquals(List.of(), journal().records());
        assertEquals(0, rig.device.openSessions());
        assertEquals(1, rig.manager.counters().confirmed());
    }

    @Test
    void secondApplyPushesNothing() {
        rig.set(v);
        int batches = rig.device.batches().size();
        Transaction again = rig.set(v);
        assertEquals(Transaction.Result.NO_CHANGE, again.result());
        assertEquals(0, again.number(), "automatic no-changes are only counted");
        assertEquals(List.of(), again.commands());
        assertEquals(batches, rig.device.batches().size());
        assertEquals(1, rig.manager.history("dtm0").size());
        assertEquals(1, rig.manager.counters().noChange());
        Transaction asked = rig.manager.apply("dtm0", "operator admin", false);
        assertEquals(Transaction.Result.NO_CHANGE, asked.result());
        assertEquals(2, asked.number(), "an operator's no-change is recorded");
        assertEquals(batches, rig.device.batches().size());
    }

    @Test
    void onlyTheChangedFieldIsPushed() {
        rig.set(v);
        Transaction t = rig.set(v.withMtu(1300));
        assertEquals(Transaction.Result.CONFIRMED, t.result());
        assertEquals(List.of("mtu: 1400 -> 1300"), t.diff());
        assertEquals(List.of("link mtu dtm0 mtu=1300"), t.commands());
        assertEquals(2, t.number());
    }

    @Test
    void typeChangeRecreatesTheInterface() {
        rig.set(v);
        TunnelIntent gre = Samples.of(TunnelType.GRE, "dtm0");
        Transaction t = rig.set(gre);
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertEquals("link del dtm0", t.commands().get(0));
        assertEquals(Optional.of(TunnelType.GRE), rig.state("dtm0").map(TunnelIntent::type));
    }

    @Test
    void mtuBelowTheIpv4MinimumIsRefusedAndThePreviousTunnelStays() {
        assertRefusedKeepsPrevious(v.withMtu(500), "MTU 500 is below 576");
    }

    @Test
    void mtuBelowTheIpv6MinimumIsRefused() {
        TunnelIntent v6 = Samples.rename(Samples.ipv6Gre(), "dtm0");
        assertRefusedKeepsPrevious(v6.withMtu(1200), "MTU 1200 is below 1280");
    }

    @Test
    void vniZeroAndTwoToTheTwentyFourAreRefused() {
        assertRefusedKeepsPrevious(Samples.key(v, 0), "VXLAN network identifier 0 must be 1..16777215");
        assertRefusedKeepsPrevious(Samples.key(v, 1L << 24), "VXLAN network identifier 16777216");
    }

    @Test
    void gatewayOutsideThePrefixIsRefused() {
        assertRefusedKeepsPrevious(Samples.inner(v, "10.64.0.5", 24, "10.64.1.1"), "inner address outside the pool's prefix");
    }

    @Test
    void wireGuardWithoutTheBehaviourIsRefused() {
        rig.useAdapter(rig.adapter.withoutWireGuard());
        assertRefusedKeepsPrevious(Samples.of(TunnelType.WIREGUARD, "dtm0"), "adapter fake does not support wireguard");
    }

    @Test
    void theDevicesOwnCheckRefusesBeforeAnyChange() {
        rig.device.localAddresses(Cidr.parseLiteral("192.0.2.99"));
        Transaction t = rig.set(v);
        assertEquals(Transaction.Result.REFUSED, t.result());
        assertEquals("local outer 192.0.2.10 is not configured on the fake device", t.detail());
        assertEquals(List.of(), rig.device.batches());
    }

    @Test
    void deviceRejectionRollsBackAndRestores() {
        rig.set(v);
        rig.device.refuse("prefix=172.16.0.0/12");
        TunnelIntent wanted = Samples.routes(v.withMtu(1300), "10.0.0.0/8", "172.16.0.0/12");
        Transaction t = rig.set(wanted);
        assertEquals(Transaction.Result.ROLLED_BACK, t.result());
        assertTrue(t.restored());
        assertTrue(t.detail().startsWith("device rejected the change: fake device refused 'route add dtm0 prefix=172.16.0.0/12"),
                t.detail());
        assertTrue(t.detail().endsWith("restored with 1 commands"), t.detail());
        assertEquals(Optional.of(v), rig.state("dtm0"), "the mtu applied before the refusal is undone");
        assertEquals(List.of("link mtu dtm0 mtu=1400"), last(rig.device.batches()));
        assertEquals(1, rig.manager.counters().rolledBack());
        assertEquals(List.of(), journal().records());
    }

    @Test
    void aRefusedCreateLeavesNoHalfBuiltInterface() {
        rig.device.refuse("addr add");
        Transaction t = rig.set(v);
        assertEquals(Transaction.Result.ROLLED_BACK, t.result());
        assertTrue(t.restored());
        assertEquals(Optional.empty(), rig.state("dtm0"));
    }

    @Test
    void aRestoreThatFailsIsReportedNotRestored() {
        rig.set(v);
        rig.device.refuse("prefix=172.16.0.0/12").breakAfterApplies(1);
        Transaction t = rig.set(Samples.routes(v.withMtu(1300), "10.0.0.0/8", "172.16.0.0/12"));
        assertEquals(Transaction.Result.ROLLED_BACK, t.result());
        assertFalse(t.restored());
        assertTrue(t.detail().contains("NOT restored: restore commands failed (fake channel lost after the change)"),
                t.detail());
        assertTrue(t.detail().contains("still differs from the snapshot: mtu: 1300 -> 1400"), t.detail());
    }

    @Test
    void aChannelFailureWhileApplyingRollsBack() {
        rig.set(v);
        rig.device.breakAfterApplies(0);
        Transaction t = rig.set(v.withMtu(1300));
        assertEquals(Transaction.Result.ROLLED_BACK, t.result());
        assertTrue(t.detail().startsWith("channel failed while applying: fake channel lost"), t.detail());
        assertTrue(t.restored(), "nothing was applied, so the device still matches the snapshot");
    }

    @Test
    void aDeviceThatCannotBeReadFailsWithoutAChange() {
        rig.set(v);
        rig.device.channelDown(true);
        Transaction t = rig.set(v.withMtu(1300));
        assertEquals(Transaction.Result.FAILED, t.result());
        assertTrue(t.detail().contains("fake channel lost"), t.detail());
        rig.device.channelDown(false);
        assertEquals(Optional.of(v), rig.state("dtm0"));
        assertEquals(1, rig.manager.counters().failed());
        assertEquals(0, rig.device.openSessions());
    }

    @Test
    void anUnreachableDeviceFails() {
        rig.device.unreachable(true);
        Transaction t = rig.set(v);
        assertEquals(Transaction.Result.FAILED, t.result());
        assertEquals("cannot open a session to the device: fake device unreachable", t.detail());
    }

    @Test
    void aStateThatDoesNotReadBackAsWantedIsRolledBack() {
        rig.set(v);
        rig.device.ignore("link mtu dtm0 mtu=1300");
        Transaction t = rig.set(Samples.routes(v.withMtu(1300), "10.0.0.0/8", "172.16.0.0/12"));
        assertEquals(Transaction.Result.ROLLED_BACK, t.result());
        assertTrue(t.detail().startsWith("running state differs from the intent after applying: mtu: 1400 -> 1300"),
                t.detail());
        assertTrue(t.restored());
        assertEquals(Optional.of(v), rig.state("dtm0"));
    }

    @Test
    void probesUnansweredUntilTheVerifyTimeoutRollBack() {
        rig.device.probeAnswers(false);
        CompletableFuture<Transaction> f = setAsync(v);
        assertFalse(f.isDone());
        assertTrue(rig.state("dtm0").isPresent(), "applied, now being verified");
        rig.advance(Duration.ofSeconds(14));
        assertFalse(f.isDone());
        rig.advance(Duration.ofSeconds(1));
        Transaction t = f.getNow(null);
        assertEquals(Transaction.Result.ROLLED_BACK, t.result());
        assertTrue(t.detail().startsWith("no answer from 10.64.0.1 through dtm0 within 15 s"), t.detail());
        assertTrue(t.restored());
        assertEquals(Optional.empty(), rig.state("dtm0"));
        assertEquals(16, rig.device.probes(), "one probe a second from 0 to 15 s");
        assertEquals(0, rig.scheduler.pending());
    }

    @Test
    void aProbeAnsweredLateStillConfirms() {
        rig.device.unansweredProbes(3);
        CompletableFuture<Transaction> f = setAsync(v);
        rig.advance(Duration.ofSeconds(2));
        assertFalse(f.isDone());
        rig.advance(Duration.ofSeconds(1));
        assertEquals(Transaction.Result.CONFIRMED, f.getNow(null).result());
        assertEquals(4, rig.device.probes());
    }

    @Test
    void probingCanBeSwitchedOff() {
        rig.close();
        rig = new Rig(dir, ConfigSettings.defaults(dir).withProbe(false), new FakeDevice().probeAnswers(false),
                Runnable::run, true);
        Transaction t = rig.set(v);
        assertEquals(Transaction.Result.CONFIRMED, t.result());
        assertEquals("state read back matches (probe disabled)", t.detail());
        assertEquals(0, rig.device.probes());
    }

    @Test
    void theDevicesCommitConfirmTimerIsArmedAndConfirmed() {
        rig.useAdapter(rig.adapter.withCommitConfirm());
        assertEquals(Transaction.Result.CONFIRMED, rig.set(v).result());
        assertEquals(List.of(Duration.ofSeconds(75)), rig.device.armed(), "verify timeout + device timer margin");
    }

    @Test
    void theDevicesCommitConfirmRevertsAFailure() {
        rig.useAdapter(rig.adapter.withCommitConfirm());
        rig.set(v);
        rig.device.refuse("prefix=172.16.0.0/12");
        Transaction t = rig.set(Samples.routes(v.withMtu(1300), "10.0.0.0/8", "172.16.0.0/12"));
        assertEquals(Transaction.Result.ROLLED_BACK, t.result());
        assertTrue(t.detail().contains("device reverted the change; restored, nothing left to undo"), t.detail());
        assertTrue(t.restored());
        assertEquals(Optional.of(v), rig.state("dtm0"));
    }

    @Test
    void aCommitTimerThatCannotBeArmedStopsBeforeAnyChange() {
        rig.useAdapter(rig.adapter.withCommitConfirm());
        rig.device.refuseArm();
        Transaction t = rig.set(v);
        assertEquals(Transaction.Result.FAILED, t.result());
        assertEquals("the device's rollback timer could not be armed, nothing was changed: fake device: commit timer "
                + "unavailable", t.detail());
        assertEquals(List.of(), rig.device.batches());
        assertEquals(List.of(), journal().records());
    }

    @Test
    void aRefusedConfirmationRollsBack() {
        rig.useAdapter(rig.adapter.withCommitConfirm());
        rig.device.refuseConfirm();
        Transaction t = rig.set(v);
        assertEquals(Transaction.Result.ROLLED_BACK, t.result());
        assertTrue(t.detail().startsWith("the device did not take the confirmation: fake device: confirmation refused; "
                + "device reverted the change"), t.detail());
        assertEquals(Optional.empty(), rig.state("dtm0"));
    }

    @Test
    void aFailedDeviceRevertFallsBackToTheCoresRestore() {
        rig.useAdapter(rig.adapter.withCommitConfirm());
        rig.set(v);
        rig.device.refuse("prefix=172.16.0.0/12").breakAfterApplies(1);
        Transaction t = rig.set(Samples.routes(v.withMtu(1300), "10.0.0.0/8", "172.16.0.0/12"));
        assertFalse(t.restored());
        assertTrue(t.detail().contains("device revert failed (fake channel lost after the change)"), t.detail());
    }

    @Test
    void aWireGuardChangeIsRestoredWithTheKeyFileTheDeviceCannotReport() {
        TunnelIntent wg = Samples.of(TunnelType.WIREGUARD, "dtm0");
        assertEquals(Transaction.Result.CONFIRMED, rig.set(wg).result());
        assertEquals(Transaction.Result.NO_CHANGE, rig.set(wg).result(), "the unreadable key file is no difference");
        rig.device.refuse("prefix=172.16.0.0/12");
        Transaction t = rig.set(Samples.routes(wg, "10.0.0.0/8", "172.16.0.0/12"));
        assertEquals(Transaction.Result.ROLLED_BACK, t.result());
        assertTrue(t.restored(), t.detail());
        assertTrue(last(rig.device.batches()).get(0).startsWith("wg set dtm0 key-file=/etc/dtm/wg-dtm0.key "),
                rig.device.batches().toString());
    }

    @Test
    void removingAnEndDeletesItsInterfaceAndForgetsIt() {
        rig.set(v);
        Transaction t = rig.manager.removeEnd("dtm0", "tunnel released").getNow(null);
        assertEquals(Transaction.Result.CONFIRMED, t.result());
        assertEquals("remove dtm0", t.intent());
        assertEquals(List.of("link del dtm0"), t.commands());
        assertEquals(Optional.empty(), rig.state("dtm0"));
        assertEquals(List.of(), rig.manager.ends());
        assertEquals(2, rig.manager.history("dtm0").size(), "the history outlives the end");
        assertEquals(Transaction.Result.NO_CHANGE, rig.manager.removeEnd("dtm0", "again").getNow(null).result());
    }

    @Test
    void anEmptyIntentMeansNoInterface() {
        rig.set(v);
        Transaction t = rig.manager.setIntent("dtm0", TunnelIntent.Role.DEVICE, Rig.DEVICE, Rig.TARGET, Optional.empty(),
                "test").getNow(null);
        assertEquals(List.of("link del dtm0"), t.commands());
        assertEquals(1, rig.manager.ends().size(), "the end stays known");
    }

    @Test
    void aFailedRemovalKeepsTheEnd() {
        rig.set(v);
        rig.device.refuse("link del");
        Transaction t = rig.manager.removeEnd("dtm0", "tunnel released").getNow(null);
        assertEquals(Transaction.Result.ROLLED_BACK, t.result());
        assertEquals(1, rig.manager.ends().size());
    }

    @Test
    void intentAndEndNamesAreChecked() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> rig.manager.setIntent("dtm1", TunnelIntent.Role.DEVICE, "d", Rig.TARGET, Optional.of(v), "t"));
        assertEquals("intent names interface dtm0 but the end is dtm1", e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> rig.manager.setIntent("../etc", TunnelIntent.Role.DEVICE, "d", Rig.TARGET, Optional.empty(), "t"));
    }

    @Test
    void withoutAnAdapterNothingHappensUntilOneArrives() {
        rig.close();
        rig = new Rig(dir, ConfigSettings.defaults(dir), new FakeDevice(), Runnable::run, false);
        Transaction t = rig.set(v);
        assertEquals(Transaction.Result.FAILED, t.result());
        assertEquals("no adapter serves vendor fake; nothing was changed", t.detail());
        assertEquals("no-adapter", rig.manager.ends().get(0).state());
        assertEquals(List.of(), rig.manager.history("dtm0"));
        rig.manager.addAdapter(rig.adapter, rig.adapter.properties());
        assertEquals(Optional.of(v), rig.state("dtm0"));
        Transaction applied = rig.manager.history("dtm0").get(0);
        assertEquals("adapter fake installed", applied.trigger());
        assertEquals("in-sync", rig.manager.ends().get(0).state());
    }

    @Test
    void closeStopsTimersAndKeepsTheJournalForTheNextStart() {
        rig.device.probeAnswers(false);
        CompletableFuture<Transaction> f = setAsync(v);
        assertEquals(1, rig.scheduler.pending());
        rig.close();
        assertTrue(f.isCompletedExceptionally());
        rig.advance(Duration.ofSeconds(30));
        assertEquals(1, rig.device.probes(), "no probe after close");
        assertEquals(1, journal().records().size());
        assertNull(rig.manager.setIntent("dtm0", TunnelIntent.Role.DEVICE, "d", Rig.TARGET, Optional.of(v), "t")
                .handle((x, e) -> x).getNow(null));
    }

    private void assertRefusedKeepsPrevious(TunnelIntent bad, String fragment) {
        if (rig.state("dtm0").isEmpty()) {
            assertEquals(Transaction.Result.CONFIRMED, rig.set(v).result());
        }
        TunnelIntent before = rig.state("dtm0").orElseThrow();
        int batches = rig.device.batches().size();
        long refused = rig.manager.counters().refused();
        Transaction t = rig.set(bad);
        assertEquals(Transaction.Result.REFUSED, t.result());
        assertTrue(t.detail().contains(fragment), () -> t.detail() + " lacks " + fragment);
        assertTrue(t.number() > 0, "a refusal is recorded");
        assertEquals(batches, rig.device.batches().size(), "nothing pushed");
        assertEquals(Optional.of(before), rig.state("dtm0"), "the previous tunnel stays");
        assertEquals(refused + 1, rig.manager.counters().refused());
        assertEquals("refused", rig.manager.ends().get(0).state());
    }

    private CompletableFuture<Transaction> setAsync(TunnelIntent i) {
        return rig.manager.setIntent(i.name(), i.role(), Rig.DEVICE, Rig.TARGET, Optional.of(i), "test");
    }

    private Journal journal() {
        try {
            return new Journal(rig.settings.journalDirectory());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> last(List<List<String>> batches) {
        return batches.get(batches.size() - 1);
    }
}
