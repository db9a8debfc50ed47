package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.DtmException;
import net.dtm.api.config.EndView;
import net.dtm.api.config.Preview;
import net.dtm.api.config.Transaction;
import net.dtm.config.fake.Samples;
import net.dtm.spi.config.TunnelIntent;

/** The operator's side: hold mode and confirmation, preview, show, history and rollback to an entry. */
class OperatorTest extends OnRig {

    @Test
    void holdModeKeepsAChangeConfirmedInTime() {
        register(v);
        Transaction pending = rig.manager.apply("dtm0", "operator admin", true);
        assertEquals(Transaction.Result.PENDING_CONFIRM, pending.result());
        assertEquals(2, pending.number(), "entry 1 is the automatic attempt that failed");
        assertEquals("operator admin", pending.trigger());
        assertTrue(pending.detail().contains("waiting for confirmation until 2030-01-01T00:02:00Z"), pending.detail());
        assertEquals("pending-confirm", rig.manager.ends().get(0).state());
        assertEquals(Optional.of(v), rig.state("dtm0"));
        rig.advance(Duration.ofSeconds(119));
        Transaction kept = rig.manager.confirm("dtm0", "admin");
        assertEquals(Transaction.Result.CONFIRMED, kept.result());
        assertEquals(2, kept.number(), "the same entry, now confirmed");
        assertTrue(kept.detail().startsWith("confirmed by admin"), kept.detail());
        rig.advance(Duration.ofSeconds(60));
        assertEquals(Optional.of(v), rig.state("dtm0"), "no rollback after the confirmation");
        assertEquals(kept, rig.manager.history("dtm0").get(0));
        assertEquals(2, rig.manager.history("dtm0").size());
        assertEquals("in-sync", rig.manager.ends().get(0).state());
    }

    @Test
    void holdModeRollsBackWithoutAConfirmation() {
        register(v);
        rig.manager.apply("dtm0", "operator admin", true);
        rig.advance(Duration.ofSeconds(119));
        assertEquals(Optional.of(v), rig.state("dtm0"));
        rig.advance(Duration.ofSeconds(1));
        Transaction t = rig.manager.history("dtm0").get(0);
        assertEquals(2, t.number());
        assertEquals(Transaction.Result.ROLLED_BACK, t.result());
        assertTrue(t.detail().startsWith("no confirmation within 120 s"), t.detail());
        assertTrue(t.restored());
        assertEquals(Optional.empty(), rig.state("dtm0"));
        DtmException late = assertThrows(DtmException.class, () -> rig.manager.confirm("dtm0", "admin"));
        assertEquals(DtmException.Reason.BAD_REQUEST, late.reason());
        assertEquals("dtm0 has no change pending confirmation", late.getMessage());
    }

    @Test
    void aPendingChangeBlocksAnotherApplyAndQueuesAutomaticOnes() {
        register(v);
        rig.manager.apply("dtm0", "operator admin", true);
        DtmException e = assertThrows(DtmException.class, () -> rig.manager.apply("dtm0", "operator admin", false));
        assertEquals("dtm0 has a change pending confirmation (entry 2): confirm it or let it roll back first",
                e.getMessage());
        var next = rig.manager.setIntent("dtm0", v.role(), Rig.DEVICE, Rig.TARGET, Optional.of(v.withMtu(1300)), "event");
        assertFalse(next.isDone(), "waits for the pending change");
        rig.manager.confirm("dtm0", "admin");
        assertEquals(Transaction.Result.CONFIRMED, next.getNow(null).result());
        assertEquals(1300, rig.state("dtm0").orElseThrow().mtu());
    }

    @Test
    void unknownEndsAreBadRequests() {
        for (Runnable call : List.<Runnable>of(() -> rig.manager.apply("dtm9", "a", false),
                () -> rig.manager.confirm("dtm9", "a"), () -> rig.manager.preview("dtm9"),
                () -> rig.manager.rollback("dtm9", 1, "a"))) {
            DtmException e = assertThrows(DtmException.class, call::run);
            assertEquals(DtmException.Reason.BAD_REQUEST, e.reason());
            assertEquals("no tunnel end named 'dtm9'", e.getMessage());
        }
        assertEquals(Optional.empty(), rig.manager.show("dtm9"));
        assertEquals(List.of(), rig.manager.history("dtm9"));
        assertEquals(List.of(), rig.manager.history("not/a/name"));
    }

    @Test
    void previewRendersWithoutTouchingTheDevice() {
        register(v);
        Preview p = rig.manager.preview("dtm0");
        assertEquals(List.of("interface: absent -> " + v.describe()), p.diff());
        assertEquals(4, p.commands().size());
        assertEquals(List.of(), p.problems());
        assertEquals(List.of(), rig.device.batches());
        rig.manager.apply("dtm0", "operator admin", false);
        rig.manager.setIntent("dtm0", v.role(), Rig.DEVICE, Rig.TARGET, Optional.of(v.withMtu(100)), "event");
        Preview bad = rig.manager.preview("dtm0");
        assertEquals(List.of("mtu: 1400 -> 100"), bad.diff());
        assertEquals(List.of(), bad.commands());
        assertEquals(List.of("MTU 100 is below 576, the smallest adapter fake accepts with an IPv4 inner address"),
                bad.problems());
    }

    @Test
    void previewOfAnUnreadableDeviceIsABadRequest() {
        register(v);
        rig.device.channelDown(true);
        DtmException e = assertThrows(DtmException.class, () -> rig.manager.preview("dtm0"));
        assertEquals("cannot read dtm0 on device smr-1: fake channel lost", e.getMessage());
    }

    @Test
    void showReadsTheDeviceNow() {
        rig.set(v);
        rig.device.install(v.withMtu(1500));
        EndView before = rig.manager.ends().get(0);
        assertEquals("in-sync", before.state(), "ends() shows what the last transaction saw");
        EndView now = rig.manager.show("dtm0").orElseThrow();
        assertEquals(List.of("mtu: 1500 -> 1400"), now.diff());
        assertEquals("out-of-sync", now.state());
        assertEquals(Optional.of("fake"), now.adapter());
        assertEquals(Optional.of(v.describe()), now.intent());
        assertEquals(Optional.of(v.withMtu(1500).describe()), now.running());
        assertEquals(1, now.lastEntry());
        assertEquals("device", now.role());
        assertEquals("smr-1", now.device());
        rig.device.channelDown(true);
        DtmException e = assertThrows(DtmException.class, () -> rig.manager.show("dtm0"));
        assertEquals(DtmException.Reason.BAD_REQUEST, e.reason());
    }

    @Test
    void rollbackToAnEntryAppliesItsIntentAsANewEntry() {
        rig.set(v);
        rig.set(Samples.routes(v.withMtu(1300), "192.168.0.0/16"));
        Transaction t = rig.manager.rollback("dtm0", 1, "admin");
        assertEquals(Transaction.Result.CONFIRMED, t.result());
        assertEquals(3, t.number());
        assertEquals("rollback to 1 by admin", t.trigger());
        assertEquals(List.of("mtu: 1300 -> 1400", "route -192.168.0.0/16", "route +10.0.0.0/8"), t.diff());
        assertEquals(Optional.of(v), rig.state("dtm0"));
        assertEquals(Optional.of(v.describe()), rig.manager.ends().get(0).intent(), "the end now wants entry 1");
        assertEquals(List.of(3, 2, 1), rig.manager.history("dtm0").stream().map(Transaction::number).toList());
    }

    @Test
    void rollbackToARemovalRemoves() {
        rig.set(v);
        rig.manager.setIntent("dtm0", v.role(), Rig.DEVICE, Rig.TARGET, Optional.empty(), "event");
        rig.set(v.withMtu(1300));
        assertEquals(Transaction.Result.CONFIRMED, rig.manager.rollback("dtm0", 2, "admin").result());
        assertEquals(Optional.empty(), rig.state("dtm0"));
    }

    @Test
    void rollbackToAnUnknownEntryIsABadRequest() {
        rig.set(v);
        DtmException e = assertThrows(DtmException.class, () -> rig.manager.rollback("dtm0", 7, "admin"));
        assertEquals("dtm0 has no history entry 7 (the newest is 1, the oldest kept 1)", e.getMessage());
    }

    @Test
    void applyWithoutAnAdapterIsABadRequest() {
        register(v);
        rig.manager.removeAdapter(rig.adapter);
        DtmException e = assertThrows(DtmException.class, () -> rig.manager.apply("dtm0", "operator admin", false));
        assertEquals("no adapter serves dtm0 (vendor fake)", e.getMessage());
        assertEquals("no-adapter", rig.manager.ends().get(0).state());
        assertEquals(Optional.empty(), rig.manager.show("dtm0").orElseThrow().adapter());
    }

    @Test
    void anOperatorWaitIsBounded() {
        rig.close();
        rig = new Rig(dir, ConfigSettings.defaults(dir).withOperatorTimeout(Duration.ofMillis(50)),
                new net.dtm.config.fake.FakeDevice().probeAnswers(false), Runnable::run, true);
        register(v);
        DtmException e = assertThrows(DtmException.class, () -> rig.manager.apply("dtm0", "operator admin", false));
        assertEquals("apply to dtm0 has no outcome after 0 s; it goes on, see the history", e.getMessage());
        rig.advance(Duration.ofSeconds(15));
        assertEquals(Transaction.Result.ROLLED_BACK, rig.manager.history("dtm0").get(0).result());
    }

    @Test
    void adaptersAreListed() {
        assertEquals(List.of("fake"), rig.manager.adapters().stream().map(a -> a.vendor()).toList());
    }

    @Test
    void endsAreSortedWithTheirState() {
        rig.set(Samples.rename(v, "dtm1"));
        register(v);
        List<EndView> ends = rig.manager.ends();
        assertEquals(List.of("dtm0", "dtm1"), ends.stream().map(EndView::end).toList());
        assertEquals("unreadable", ends.get(0).state());
        assertEquals("in-sync", ends.get(1).state());
    }

    /** Makes the end known without applying: the device cannot be reached then (entry 1, FAILED). */
    private void register(TunnelIntent i) {
        rig.device.unreachable(true);
        rig.manager.setIntent(i.name(), i.role(), Rig.DEVICE, Rig.TARGET, Optional.of(i), "event");
        rig.device.unreachable(false);
    }
}
